package generative

import (
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// bar is a progress bar that may be absent (nil): its methods then do nothing.
type bar struct{ pb *progressbar.ProgressBar }

// newBar returns a bar of total steps, done of them already done, written to w; nil w gives
// no bar.
func newBar(w io.Writer, total, done int, desc string) *bar {
	if w == nil {
		return nil
	}
	pb := progressbar.NewOptions(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("step"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionOnCompletion(func() { io.WriteString(w, "\n") }),
	)
	_ = pb.Set(done)
	return &bar{pb: pb}
}

// set moves the bar to done steps with a new description.
func (b *bar) set(done int, desc string) {
	if b == nil {
		return
	}
	b.pb.Describe(desc)
	_ = b.pb.Set(done)
}

// finish completes the bar's line.
func (b *bar) finish() {
	if b == nil || b.pb.IsFinished() {
		return
	}
	_ = b.pb.Exit()
}
