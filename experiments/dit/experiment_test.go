package dit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/experiments/exptest"
)

// sharedMNIST is SharedMNIST seen from this package's folder.
const sharedMNIST = "../../" + SharedMNIST

// TestRun_SmokeMNIST runs the smoke preset on the shared MNIST (skipped when absent) with two
// seeds: every cell of Table 4 has its metrics over 2 seeds, the paper's FID stands beside the
// guided column, DiT-DMP's compute differs from DiT's, the grids are PNGs, a second run
// computes nothing and --report with a third seed names the missing replicates.
func TestRun_SmokeMNIST(t *testing.T) {
	if _, err := os.Stat(sharedMNIST); err != nil {
		t.Skipf("%s absent (see ../shared/data/README.md): %v", sharedMNIST, err)
	}
	out := filepath.Join(t.TempDir(), Name)
	log := &exptest.Log{}
	env := experiments.Env{Scale: experiments.Smoke, OutDir: out, Seed: 1, Seeds: 2, Commit: "test", Data: sharedMNIST, Log: log,
		Code: experiments.CodeState{Fingerprint: "fp-test", Commit: "abc123"}}
	if err := Run(context.Background(), env); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	tb, err := experiments.ReadTable(filepath.Join(out, "table4.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(tb.Cells) != 6 {
		t.Fatalf("table 4 has %d cells, want 6", len(tb.Cells))
	}
	for _, c := range tb.Cells {
		for _, k := range []string{KeyFID, KeySFID, KeyIS, KeyPrecision, KeyRecall} {
			v, ok := c.Values[k]
			if !ok || math.IsNaN(v) || v < 0 {
				t.Errorf("cell %s/%s: %s = %v (%v)", c.Row, c.Column, k, v, ok)
			}
		}
		wantSeeds := 2
		if c.Row == "data" {
			wantSeeds = 1
		}
		if c.Summaries[KeyFID].N != wantSeeds {
			t.Errorf("cell %s/%s: FID over %d seeds, want %d", c.Row, c.Column, c.Summaries[KeyFID].N, wantSeeds)
		}
		if (c.Paper != nil) != (c.Column == "guided" && c.Row != "data") {
			t.Errorf("cell %s/%s: paper number %v", c.Row, c.Column, c.Paper)
		}
	}
	dit, dmp := tb.Cell(string(ModelDiT), "unguided"), tb.Cell(string(ModelDiTDMP), "unguided")
	if dit.Values[KeyPairs] != 4096 || !(dmp.Values[KeyPairs] < 4096) || !(dmp.Values[KeyGFLOPs] > dit.Values[KeyGFLOPs]) {
		t.Errorf("compute: DiT %v pairs, %v GFLOPs; DiT-DMP %v pairs, %v GFLOPs", dit.Values[KeyPairs], dit.Values[KeyGFLOPs], dmp.Values[KeyPairs], dmp.Values[KeyGFLOPs])
	}
	// The notes give DiT-DMP's compute under the reference's windows too (wider at patches 2 and 1).
	m := regexp.MustCompile(`with the reference windows it would compute (\d+) pairs \(([0-9.]+)× DiT's\)`).FindStringSubmatch(strings.Join(tb.Notes, " "))
	if m == nil {
		t.Errorf("no reference-window compute in the notes: %q", tb.Notes)
	} else if pairs, _ := strconv.Atoi(m[1]); float64(pairs) <= dmp.Values[KeyPairs] {
		t.Errorf("reference windows: %d pairs, want more than the matched windows' %v", pairs, dmp.Values[KeyPairs])
	}
	if len(tb.Comparisons) != 10 {
		t.Errorf("%d comparisons, want 10 (5 metrics × 2 columns)", len(tb.Comparisons))
	}
	// The held-out ε-MSE by patch band: both models in every band over 2 seeds, compared per band.
	bt, err := experiments.ReadTable(filepath.Join(out, "bands.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(bt.Cells) != 6 || len(bt.Comparisons) != 3 {
		t.Errorf("bands table: %d cells (want 6: 2 models × 3 bands), %d comparisons (want 3)", len(bt.Cells), len(bt.Comparisons))
	}
	for _, c := range bt.Cells {
		if v := c.Values[keyEpsMSE]; !(v > 0) || c.Summaries[keyEpsMSE].N != 2 {
			t.Errorf("bands cell %s/%s: ε-MSE %v over %d seeds", c.Row, c.Column, v, c.Summaries[keyEpsMSE].N)
		}
	}
	for _, f := range []string{"table4.md", "table4.csv", "bands.md", "grids/dit-unguided.png", "grids/dit-dmp-guidance-1.5.png"} {
		b, err := os.ReadFile(filepath.Join(out, f))
		if err != nil || len(b) == 0 {
			t.Errorf("output %s: %v", f, err)
		}
		if strings.HasSuffix(f, ".png") && !bytes.HasPrefix(b, []byte("\x89PNG")) {
			t.Errorf("%s is not a PNG", f)
		}
	}
	// The data cell's record holds each metric once per column, no more.
	var data struct {
		Value cellRecord `json:"value"`
	}
	if b, err := os.ReadFile(filepath.Join(out, "cache", "table4", "data.json")); err != nil {
		t.Error(err)
	} else if err := json.Unmarshal(b, &data); err != nil {
		t.Error(err)
	} else {
		for k := range data.Value.Values {
			if strings.Count(k, guidedSuffix) > 1 {
				t.Errorf("data record has key %q", k)
			}
			if _, ok := data.Value.Values[strings.TrimSuffix(k, guidedSuffix)+guidedSuffix]; !ok {
				t.Errorf("data record has %q without its guided twin", k)
			}
		}
	}
	second := &exptest.Log{}
	env.Log = second
	if err := Run(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(second.String(), ": training ") {
		t.Errorf("second run trained again:\n%s", second)
	}
	env.Report, env.Seeds = true, 3
	if err := Run(context.Background(), env); !errors.Is(err, experiments.ErrIncomplete) || !strings.Contains(err.Error(), "table4/dit/seed3") {
		t.Errorf("report with a third seed: %v", err)
	}
}

// TestRun_FolderSource runs the smoke preset on a folder of generated 8 × 8 RGB images of two
// classes (no shared data needed) and checks bad input: an unknown source, a missing folder.
func TestRun_FolderSource(t *testing.T) {
	root := t.TempDir()
	for c, name := range []string{"dark", "light"} {
		if err := os.MkdirAll(filepath.Join(root, name), 0o755); err != nil {
			t.Fatal(err)
		}
		for i := range 200 {
			img := image.NewRGBA(image.Rect(0, 0, 8, 8))
			for p := range 64 {
				v := uint8(40 + 150*c + (i*7+p*13)%50)
				img.Set(p%8, p/8, color.RGBA{R: v, G: v / 2, B: 255 - v, A: 255})
			}
			f, err := os.Create(filepath.Join(root, name, fmt.Sprintf("%03d.png", i)))
			if err != nil {
				t.Fatal(err)
			}
			png.Encode(f, img)
			f.Close()
		}
	}
	out := filepath.Join(t.TempDir(), Name)
	log := &exptest.Log{}
	env := experiments.Env{Scale: experiments.Smoke, OutDir: out, Seed: 1, Data: root, Log: log, Options: map[string]string{OptSource: SourceFolder},
		Code: experiments.CodeState{Fingerprint: "fp-test", Commit: "abc123"}}
	if err := Run(context.Background(), env); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	tb, err := experiments.ReadTable(filepath.Join(out, "source-folder", "table4.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(tb.Cells) != 6 || !strings.Contains(tb.Meta.Data, "image folder") {
		t.Errorf("folder run: %d cells, data %q", len(tb.Cells), tb.Meta.Data)
	}
	env.Options = map[string]string{OptSource: "video"}
	if err := Run(context.Background(), env); !errors.Is(err, experiments.ErrConfig) {
		t.Errorf("source video: error %v, want ErrConfig", err)
	}
	env.Options, env.Data = map[string]string{OptSource: SourceFolder}, filepath.Join(root, "missing")
	if err := Run(context.Background(), env); !errors.Is(err, ErrNoData) || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing folder: error %v, want ErrNoData naming it", err)
	}
}
