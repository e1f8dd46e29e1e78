package progress

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
)

// lineEvery is the interval of the plain progress lines written where there is no terminal.
const lineEvery = 30 * time.Second

// Bar shows the progress of a loop: a progress bar on a terminal, plain lines (at most one per
// lineEvery, and one at the end) elsewhere, e.g. into a log file. A nil Bar does nothing.
type Bar struct {
	pb    *progressbar.ProgressBar // terminal mode
	w     io.Writer                // line mode
	total int
	start int // steps done before this bar (a resumed run): rates count this session only
	t0    time.Time
	last  time.Time
	desc  string
	done  int
}

// isTerminal reports whether w is a character device such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// New returns a bar of total steps, done of them already done (a resumed run: the bar counts
// and times only the steps left), written to w; nil w gives no bar (a nil *Bar).
func New(w io.Writer, total, done int, desc string) *Bar {
	if w == nil {
		return nil
	}
	b := &Bar{total: total, start: done, done: done, desc: desc, t0: time.Now(), last: time.Now()}
	if !isTerminal(w) {
		b.w = w
		return b
	}
	if done > 0 {
		desc = fmt.Sprintf("%s (resumed at step %d of %d)", desc, done, total)
	}
	b.pb = progressbar.NewOptions(total-done,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("step"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionOnCompletion(func() { io.WriteString(w, "\n") }),
	)
	return b
}

// Set moves the bar to done steps (of the total) with a new description.
func (b *Bar) Set(done int, desc string) {
	if b == nil {
		return
	}
	b.done, b.desc = done, desc
	if b.pb != nil {
		if b.start > 0 {
			desc = fmt.Sprintf("%s (resumed at step %d of %d)", desc, b.start, b.total)
		}
		b.pb.Describe(desc)
		_ = b.pb.Set(done - b.start)
		return
	}
	if time.Since(b.last) >= lineEvery {
		b.line()
	}
}

// line writes one plain progress line: steps, share, rate and time left of this session.
func (b *Bar) line() {
	b.last = time.Now()
	el := time.Since(b.t0).Seconds()
	rate := float64(b.done-b.start) / max(el, 1e-9)
	left := "?"
	if rate > 0 {
		left = (time.Duration(float64(b.total-b.done)/rate) * time.Second).Round(time.Second).String()
	}
	fmt.Fprintf(b.w, "%s: step %d of %d (%.0f %%), %.2f steps/s, about %s left\n", b.desc, b.done, b.total, 100*float64(b.done)/float64(max(b.total, 1)), rate, left)
}

// Finish completes the bar: its line on a terminal, a last plain line elsewhere.
func (b *Bar) Finish() {
	if b == nil {
		return
	}
	if b.pb != nil {
		if !b.pb.IsFinished() {
			_ = b.pb.Exit()
		}
		return
	}
	if b.done > b.start {
		b.line()
	}
}
