import { run } from './main.js'

// The one entry point of the main step; run() never throws, it fails the step instead.
void run()
