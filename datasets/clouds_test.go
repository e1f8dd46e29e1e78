package datasets

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestWriteClouds(t *testing.T) {
	dir := t.TempDir()
	out, metaPath := filepath.Join(dir, "c.npy"), filepath.Join(dir, "c.json")
	arr := &Array{Shape: []int{2, 2, 3}, Data: []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}}
	meta := &CloudsMeta{Dataset: "test", Normalisation: NormalisationNote(false, 0.5), Labels: []string{"a", "b"}}
	if err := WriteClouds(out, metaPath, arr, meta); err != nil {
		t.Fatal(err)
	}
	back, err := ReadNpy(out)
	if err != nil || !slices.Equal(back.Data, arr.Data) {
		t.Fatalf("clouds read back %v, %v", back, err)
	}
	var read map[string]any
	b, _ := os.ReadFile(metaPath)
	if err := json.Unmarshal(b, &read); err != nil || read["file"] != "c.npy" || read["dtype"] != "float32" || read["created"] == "" {
		t.Fatalf("record %v (%v)", read, err)
	}
	if got := NormalisationNote(true, 1); got != "none (file coordinates)" {
		t.Errorf("raw note %q", got)
	}
}
