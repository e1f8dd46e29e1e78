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
	bytes bool // counts bytes, not steps
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

// NewBytes returns a bar of total bytes (below 0: unknown) written to w, e.g. for a download;
// nil w gives no bar.
func NewBytes(w io.Writer, total int64, desc string) *Bar {
	if w == nil {
		return nil
	}
	b := &Bar{total: int(total), desc: desc, t0: time.Now(), last: time.Now(), bytes: true}
	if !isTerminal(w) {
		b.w = w
		return b
	}
	b.pb = progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionOnCompletion(func() { io.WriteString(w, "\n") }),
	)
	return b
}

// SetTotal changes the total (a loader that learns the size as it goes).
func (b *Bar) SetTotal(total int) {
	if b == nil || total == b.total {
		return
	}
	b.total = total
	if b.pb != nil {
		b.pb.ChangeMax(total - b.start)
	}
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
	if !b.bytes {
		fmt.Fprintf(b.w, "%s: step %d of %d (%.0f %%), %.2f steps/s, about %s left\n", b.desc, b.done, b.total, 100*float64(b.done)/float64(max(b.total, 1)), rate, left)
		return
	}
	if b.total < 0 {
		fmt.Fprintf(b.w, "%s: %s, %s/s\n", b.desc, formatBytes(float64(b.done)), formatBytes(rate))
		return
	}
	fmt.Fprintf(b.w, "%s: %s of %s (%.0f %%), %s/s, about %s left\n", b.desc, formatBytes(float64(b.done)), formatBytes(float64(b.total)),
		100*float64(b.done)/float64(max(b.total, 1)), formatBytes(rate), left)
}

// formatBytes writes n bytes with a decimal unit: "512 B", "12.3 MB".
func formatBytes(n float64) string {
	units := []string{"B", "kB", "MB", "GB", "TB"}
	i := 0
	for n >= 1000 && i < len(units)-1 {
		n /= 1000
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%.0f B", n)
	}
	return fmt.Sprintf("%.1f %s", n, units[i])
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
