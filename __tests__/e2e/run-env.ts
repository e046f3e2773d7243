/** Setup file of the end-to-end suites: temporary files go to this run's own folder. */
import { inject } from 'vitest'

process.env.TMPDIR = inject('testRun').tmp
