package progress

import (
	"bytes"
	"strings"
	"testing"
)

// TestBar_PlainLines checks the bar where there is no terminal: no carriage-return bar, one
// plain line at the end with the steps of the whole run, and a rate over this session's
// steps only (a run resumed at step 4 of 10 that did 2 more steps reports 6 of 10).
func TestBar_PlainLines(t *testing.T) {
	var buf bytes.Buffer
	b := New(&buf, 10, 4, "train flow")
	b.Set(5, "train flow loss 0.5")
	b.Set(6, "train flow loss 0.4")
	b.Finish()
	out := buf.String()
	if strings.Contains(out, "\r") || strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, "train flow loss 0.4: step 6 of 10 (60 %)") {
		t.Errorf("plain progress %q", out)
	}
	var none *Bar
	none.Set(1, "x") // a nil bar does nothing
	none.Finish()
}
