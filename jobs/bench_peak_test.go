package jobs

// The peak resident set of a child process, as the kernel counts it for
// the child's own memory.
//
// The rusage a wait returns cannot be used: Go starts a child with
// vfork(CLONE_VM), so until it execs the child runs in the parent's memory,
// and exec carries that memory's high-water mark into the child's maxrss.
// A child started from a 80 MiB benchmark process reports at least 80 MiB,
// whatever it does. So the child is traced, stopped just before it exits
// (PTRACE_O_TRACEEXIT, while it still has its memory), and its VmHWM is
// read from /proc then.

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"syscall"
)

// runPeak runs bin with args and env, writing its output to out, and
// returns its exit status and the peak resident set of its own memory in
// KiB.
func runPeak(bin string, args, env []string, out *os.File) (status syscall.WaitStatus, hwmKiB uint64, err error) {
	// The tracer is the thread that started the child: every ptrace call
	// and wait must come from it.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	p, err := os.StartProcess(bin, append([]string{bin}, args...), &os.ProcAttr{
		Env:   env,
		Files: []*os.File{nil, out, out},
		Sys:   &syscall.SysProcAttr{Ptrace: true},
	})
	if err != nil {
		return 0, 0, err
	}
	defer p.Release()
	pid := p.Pid
	first := true
	for {
		var ws syscall.WaitStatus
		if _, err := syscall.Wait4(pid, &ws, 0, nil); err != nil {
			if err == syscall.EINTR {
				continue
			}
			return 0, 0, fmt.Errorf("wait for %s: %w", bin, err)
		}
		if ws.Exited() || ws.Signaled() {
			return ws, hwmKiB, nil
		}
		if !ws.Stopped() {
			continue
		}
		sig := ws.StopSignal()
		switch {
		case first && sig == syscall.SIGTRAP:
			// Stopped at its exec: ask to be told of its exit.
			first = false
			if err := syscall.PtraceSetOptions(pid, syscall.PTRACE_O_TRACEEXIT); err != nil {
				_ = p.Kill()
				return 0, 0, fmt.Errorf("trace %s: %w", bin, err)
			}
			sig = 0
		case sig == syscall.SIGTRAP && ws.TrapCause() == syscall.PTRACE_EVENT_EXIT:
			hwm, err := procHWM(strconv.Itoa(pid))
			if err != nil {
				_ = p.Kill()
				return 0, 0, err
			}
			hwmKiB = hwm >> 10
			sig = 0
		}
		// Any other stop is a signal on its way to the child: deliver it.
		if err := syscall.PtraceCont(pid, int(sig)); err != nil {
			return 0, 0, fmt.Errorf("continue %s: %w", bin, err)
		}
	}
}
