package spec_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ncgn/ncgn/datasets"
	"github.com/ncgn/ncgn/generative"
	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/spec"
)

// TestLoad_OldRunFolders reads config.json files written by the code before package spec
// existed: they load as the DMP network, with every setting, and Save writes them back byte
// for byte.
func TestLoad_OldRunFolders(t *testing.T) {
	for _, tc := range []struct {
		dir  string
		task spec.Task
		kind graphs.Kind
		proc generative.Process
		seed int64
	}{
		{"old-pos", spec.TaskPositions, graphs.LongShort, generative.ProcessDiffusion, 7},
		{"old-feat", spec.TaskFeatures, graphs.DMP, generative.ProcessFlow, 1},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			dir := filepath.Join("testdata", tc.dir)
			r, err := spec.Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			if r.Model.Arch != "" || r.Task != tc.task || r.Graph.Kind != tc.kind || r.Train.Process != tc.proc || r.Seed != tc.seed || r.Model.Width != 4 {
				t.Fatalf("loaded %+v", r)
			}
			out := t.TempDir()
			if err := r.Save(out); err != nil {
				t.Fatal(err)
			}
			want, _ := os.ReadFile(filepath.Join(dir, spec.ConfigFile))
			got, _ := os.ReadFile(filepath.Join(out, spec.ConfigFile))
			if !bytes.Equal(got, want) {
				t.Fatalf("saved config differs from the old file:\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// TestBuild_OldRunsSampleAsBefore builds the networks of the old run folders, loads their EMA
// weights and samples with the settings the old code used for testdata/*/samples.npy: the
// samples are the same, bit for bit (float32, as written).
func TestBuild_OldRunsSampleAsBefore(t *testing.T) {
	if testing.Short() {
		t.Skip("samples two small runs")
	}
	for _, name := range []string{"old-pos", "old-feat"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("testdata", name)
			r, err := spec.Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			m, err := r.Build()
			if err != nil {
				t.Fatal(err)
			}
			ema, _, err := generative.LatestEMAParams(dir)
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Params().Load(ema); err != nil {
				t.Fatal(err)
			}
			sc := r.SampleConfig(3)
			sc.BatchSize, sc.Seed = 2, 5
			sc.DDPM.SamplingSteps, sc.Flow.Steps = 4, 4
			got, err := generative.Sample(context.Background(), m.Denoiser, r.Shape, sc)
			if err != nil {
				t.Fatal(err)
			}
			want, err := datasets.ReadNpy(filepath.Join(dir, "samples.npy"))
			if err != nil {
				t.Fatal(err)
			}
			if len(got)*r.Shape.Size() != len(want.Data) {
				t.Fatalf("%d samples of %d values, want %d values", len(got), r.Shape.Size(), len(want.Data))
			}
			for j, s := range got {
				for k, v := range s {
					if w := want.Data[j*r.Shape.Size()+k]; float32(v) != float32(w) {
						t.Fatalf("sample %d, value %d: %v, want %v", j, k, float32(v), w)
					}
				}
			}
		})
	}
}

func TestLoad_Errors(t *testing.T) {
	old, err := os.ReadFile(filepath.Join("testdata", "old-pos", spec.ConfigFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, json, want string
	}{
		{"unknown field", strings.Replace(string(old), `"task"`, `"tsak": "x", "task"`, 1), `unknown field "tsak"`},
		{"unknown arch", strings.Replace(string(old), `"in": 2`, `"arch": "nosuch", "in": 2`, 1), `"model.arch" = "nosuch"`},
		{"arch at the top", strings.Replace(string(old), `"task"`, `"arch": "ncgn", "task"`, 1), `unknown field "arch"`},
		{"bad task", strings.Replace(string(old), `"task": "positions"`, `"task": "clouds"`, 1), `"task" = "clouds"`},
		{"not json", `{"task": `, "unexpected EOF"},
		{"bad graph", strings.Replace(string(old), `"long-short"`, `"nosuch"`, 1), `"graph"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := spec.Decode([]byte(tc.json))
			if err == nil || !errors.Is(err, spec.ErrConfig) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want ErrConfig naming %s", err, tc.want)
			}
		})
	}
	if _, err := spec.Load(t.TempDir()); err == nil || !strings.Contains(err.Error(), spec.ConfigFile) {
		t.Fatalf("missing config.json: %v", err)
	}
}
