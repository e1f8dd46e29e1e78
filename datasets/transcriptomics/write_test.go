package transcriptomics

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ncgn/ncgn/datasets"
)

func TestWrite_FilesAndRecord(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates two samples")
	}
	ds, err := Generate(context.Background(), Request{Config: DefaultConfig(), Grid: KnockoutGrid(), Samples: 2, Seed: 4, Workers: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	norm, err := ds.Normalisation(TrueMinMax, "knockout")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	meta, err := Write(dir, ds, norm, WriteInfo{Workers: 1, WallSeconds: 1.5, Version: "v", Commit: "c"})
	if err != nil {
		t.Fatal(err)
	}
	wantFiles := []string{"features.npy", "positions.npy", "times.npy", "knockout.npy", "normalisation.json", "meta.json"}
	if !slices.Equal(meta.Files, wantFiles) {
		t.Fatalf("files %v, want %v", meta.Files, wantFiles)
	}
	nodes := KnockoutGrid().Nodes()
	f, err := datasets.ReadNpy(filepath.Join(dir, "features.npy"))
	if err != nil || !slices.Equal(f.Shape, []int{2, nodes, NumGenes}) {
		t.Fatalf("features: %v, %v", err, f)
	}
	ko, err := datasets.ReadNpy(filepath.Join(dir, "knockout.npy"))
	if err != nil || ko.Data[0] != float64(ds.Knockout[0]) || ko.Data[1] != float64(ds.Knockout[1]) {
		t.Fatalf("knockout: %v, %v (want %v)", err, ko, ds.Knockout)
	}
	counts := 0
	for _, c := range meta.KnockoutCounts {
		counts += c
	}
	var read Meta
	b, _ := os.ReadFile(filepath.Join(dir, "meta.json"))
	if err := json.Unmarshal(b, &read); err != nil || counts != 2 || read.Samples != 2 || read.Seed != 4 || read.Commit != "c" || read.Nodes != nodes {
		t.Fatalf("meta.json %+v (%v), knockout counts %v", read, err, meta.KnockoutCounts)
	}
}
