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

// TestBar_Bytes checks a byte-counting bar where there is no terminal: sizes with units, the
// share of a known total, and no share when the total is unknown; SetTotal moves the total.
func TestBar_Bytes(t *testing.T) {
	var buf bytes.Buffer
	b := NewBytes(&buf, 2_000_000, "downloading x.zip")
	b.SetTotal(4_000_000)
	b.Set(1_000_000, "downloading x.zip")
	b.Finish()
	if out := buf.String(); strings.Contains(out, "\r") || !strings.HasPrefix(out, "downloading x.zip: 1.0 MB of 4.0 MB (25 %), ") {
		t.Errorf("byte progress %q", out)
	}
	buf.Reset()
	u := NewBytes(&buf, -1, "extracting")
	u.Set(512, "extracting")
	u.Finish()
	if out := buf.String(); !strings.HasPrefix(out, "extracting: 512 B, ") || strings.Contains(out, "%") {
		t.Errorf("byte progress of an unknown total %q", out)
	}
}
