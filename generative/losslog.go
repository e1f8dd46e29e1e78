package generative

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ncgn/ncgn/internal/atomicfile"
)

// lossLogFile is the CSV loss log of a run folder.
const lossLogFile = "loss.csv"

// lossLogHeader names the columns: the step number (completed steps, from 1), the 0-based
// epoch of the step, its loss, its learning rate and the steps per second of this session.
const lossLogHeader = "step,epoch,loss,lr,steps_per_s\n"

// lossLog appends one row per step to loss.csv.
type lossLog struct {
	path string
	f    *os.File
	w    *bufio.Writer
}

// createLossLog starts a new log in run (replacing one left by a run that never reached a
// checkpoint).
func createLossLog(run string) (*lossLog, error) {
	path := filepath.Join(run, lossLogFile)
	if err := atomicfile.Write(path, func(w io.Writer) error {
		_, err := io.WriteString(w, lossLogHeader)
		return err
	}); err != nil {
		return nil, fmt.Errorf("generative: loss log: %w", err)
	}
	return openLossLog(run)
}

// openLossLog opens the log of run for appending.
func openLossLog(run string) (*lossLog, error) {
	path := filepath.Join(run, lossLogFile)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("generative: loss log: %w", err)
	}
	return &lossLog{path: path, f: f, w: bufio.NewWriter(f)}, nil
}

// append writes one row and hands it to the operating system.
func (l *lossLog) append(step, epoch int, loss, lr, stepsPerS float64) error {
	fmt.Fprintf(l.w, "%d,%d,%s,%s,%.4g\n", step, epoch, strconv.FormatFloat(loss, 'g', -1, 64), strconv.FormatFloat(lr, 'g', -1, 64), stepsPerS)
	if err := l.w.Flush(); err != nil {
		return fmt.Errorf("generative: loss log %s: %w", l.path, err)
	}
	return nil
}

// sync makes the rows written so far durable.
func (l *lossLog) sync() error {
	if err := l.w.Flush(); err != nil {
		return fmt.Errorf("generative: loss log %s: %w", l.path, err)
	}
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("generative: loss log %s: %w", l.path, err)
	}
	return nil
}

func (l *lossLog) close() error {
	err := l.w.Flush()
	return errors.Join(err, l.f.Close())
}

// truncateLossLog rewrites the log of run atomically with the rows of steps 1 … upto (the rows
// of steps after the checkpoint are run again). A missing log starts anew; a last row cut off
// by a crash is dropped; any other malformed row is an error naming its line.
func truncateLossLog(run string, upto int) error {
	path := filepath.Join(run, lossLogFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		b = []byte(lossLogHeader)
	} else if err != nil {
		return fmt.Errorf("generative: loss log: %w", err)
	}
	lines := bytes.SplitAfter(b, []byte("\n"))
	var out bytes.Buffer
	out.WriteString(lossLogHeader)
	for i, ln := range lines {
		s := string(ln)
		if i == 0 {
			if s != lossLogHeader {
				return fmt.Errorf("generative: loss log %s: header %q, want %q: %w", path, strings.TrimSpace(s), strings.TrimSpace(lossLogHeader), ErrCheckpoint)
			}
			continue
		}
		if s == "" {
			continue
		}
		complete := strings.HasSuffix(s, "\n")
		fields := strings.Split(strings.TrimSuffix(s, "\n"), ",")
		step, serr := strconv.Atoi(fields[0])
		if !complete || len(fields) != 5 || serr != nil {
			if i == len(lines)-1 {
				break // a row cut off by a crash
			}
			return fmt.Errorf("generative: loss log %s: line %d %q is not a row: %w", path, i+1, strings.TrimSpace(s), ErrCheckpoint)
		}
		if step <= upto {
			out.WriteString(s)
		}
	}
	if err := atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(out.Bytes())
		return err
	}); err != nil {
		return fmt.Errorf("generative: loss log: %w", err)
	}
	return nil
}
