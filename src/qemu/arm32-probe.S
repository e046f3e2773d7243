@ The 32-bit Arm probe: sleep 300 ms, then exit 0. While it sleeps, the action reads
@ /proc/PID/exe: the probe itself when the CPU runs AArch32 natively, QEMU when a
@ binfmt_misc handler ran it instead. Assembled by scripts/arm32-probe.sh.
        .text
        .global _start
_start:
        adr     r0, duration        @ nanosleep(&duration, NULL)
        mov     r1, #0
        mov     r7, #162
        svc     #0
        mov     r0, #0              @ exit(0)
        mov     r7, #1
        svc     #0
duration:
        .word   0                   @ seconds
        .word   300000000           @ nanoseconds
