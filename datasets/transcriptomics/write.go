package transcriptomics

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/ncgn/ncgn/datasets"
)

// Meta is the record of a written data set, its meta.json.
type Meta struct {
	Dataset           string            `json:"dataset"`
	Grid              Grid              `json:"grid"`
	Nodes             int               `json:"nodes"`
	NodeOrder         string            `json:"node_order"`
	Samples           int               `json:"samples"`
	Seed              uint64            `json:"seed"`
	Config            Config            `json:"config"`
	StatSteps         []int             `json:"stat_steps"`
	Normalisation     MetaNormalisation `json:"normalisation"`
	KnockoutCounts    []int             `json:"knockout_counts,omitempty"`
	Workers           int               `json:"workers"`
	WallSeconds       float64           `json:"wall_seconds"`
	SampleSecondsMean float64           `json:"sample_seconds_mean"`
	Files             []string          `json:"files"`
	Version           string            `json:"version"`
	Commit            string            `json:"commit"`
	Created           string            `json:"created"`
}

// MetaNormalisation says which normalisation table was written and where it came from.
type MetaNormalisation struct {
	Mode   NormalisationMode `json:"mode"`
	Source string            `json:"source"`
	From   string            `json:"from,omitempty"` // the copied --normalisation file
}

// WriteInfo is what Write records about how a data set was made, beside the data set itself.
type WriteInfo struct {
	NormalisationFrom string  // the copied normalisation file, "" when computed from ds
	Workers           int     // parallel simulations
	WallSeconds       float64 // wall time of the simulation
	Version, Commit   string  // of the program that made it
}

// Write writes ds into dir (which must exist): features.npy (N, nodes, 3) float32,
// positions.npy and times.npy (N, nodes) float32, knockout.npy (N,) float64 for knockout grids,
// norm as normalisation.json and the record as meta.json; it returns the record. When norm is
// a training table (the train grid's own, or one copied with info.NormalisationFrom) it also
// writes features_normalised.npy, the features mapped by it to [0, 1]: the input that
// `train --features` expects.
func Write(dir string, ds *Dataset, norm *Normalisation, info WriteInfo) (*Meta, error) {
	files, err := writeArrays(dir, ds, norm, !ds.Grid.Knockout && ds.Grid.Name == TrainGrid().Name || info.NormalisationFrom != "")
	if err != nil {
		return nil, err
	}
	meanSample := 0.0
	for _, s := range ds.SampleSeconds {
		meanSample += s / float64(ds.Samples)
	}
	grid := ds.Grid
	meta := &Meta{
		Dataset: "transcriptomics", Grid: grid, Nodes: grid.Nodes(),
		NodeOrder: fmt.Sprintf("time-major: node = time_index*%d + space_index", grid.Spaces()),
		Samples:   ds.Samples, Seed: ds.Seed, Config: ds.Config, StatSteps: ds.StatSteps,
		Normalisation: MetaNormalisation{Mode: norm.Mode, Source: norm.Source, From: info.NormalisationFrom},
		Workers:       info.Workers, WallSeconds: info.WallSeconds, SampleSecondsMean: meanSample,
		Files: append(files, "meta.json"), Version: info.Version, Commit: info.Commit,
		Created: time.Now().UTC().Format(time.RFC3339),
	}
	if grid.Knockout {
		meta.KnockoutCounts = make([]int, NumGenes)
		for _, g := range ds.Knockout {
			meta.KnockoutCounts[g]++
		}
	}
	if err := datasets.WriteJSON(filepath.Join(dir, "meta.json"), meta); err != nil {
		return nil, err
	}
	return meta, nil
}

// writeArrays writes the arrays and the normalisation table of ds into dir and returns
// the names of the files written.
func writeArrays(dir string, ds *Dataset, norm *Normalisation, normalised bool) ([]string, error) {
	n, nodes := ds.Samples, ds.Grid.Nodes()
	repeat := func(perNode []float64) []float64 {
		v := make([]float64, 0, n*nodes)
		for i := 0; i < n; i++ {
			v = append(v, perNode...)
		}
		return v
	}
	arrays := []struct {
		name  string
		a     *datasets.Array
		dtype string
	}{
		{"features.npy", &datasets.Array{Shape: []int{n, nodes, NumGenes}, Data: ds.Features}, "float32"},
		{"positions.npy", &datasets.Array{Shape: []int{n, nodes}, Data: repeat(ds.Grid.SpacePositions(ds.Config))}, "float32"},
		{"times.npy", &datasets.Array{Shape: []int{n, nodes}, Data: repeat(ds.Grid.TimePositions(ds.Config))}, "float32"},
	}
	if normalised {
		x, err := norm.Normalise(ds.Grid, ds.Features)
		if err != nil {
			return nil, err
		}
		arrays = append(arrays, struct {
			name  string
			a     *datasets.Array
			dtype string
		}{"features_normalised.npy", &datasets.Array{Shape: []int{n, nodes, NumGenes}, Data: x}, "float32"})
	}
	if ds.Grid.Knockout {
		ko := make([]float64, n)
		for i, g := range ds.Knockout {
			ko[i] = float64(g)
		}
		arrays = append(arrays, struct {
			name  string
			a     *datasets.Array
			dtype string
		}{"knockout.npy", &datasets.Array{Shape: []int{n}, Data: ko}, "float64"})
	}
	var files []string
	for _, f := range arrays {
		if err := datasets.WriteNpy(filepath.Join(dir, f.name), f.a, f.dtype); err != nil {
			return nil, err
		}
		files = append(files, f.name)
	}
	if err := norm.Save(filepath.Join(dir, "normalisation.json")); err != nil {
		return nil, err
	}
	return append(files, "normalisation.json"), nil
}
