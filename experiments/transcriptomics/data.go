package transcriptomics

import (
	"context"
	"fmt"
	"io"
	"time"

	st "github.com/ncgn/ncgn/datasets/transcriptomics"
	"github.com/ncgn/ncgn/generative"
	"github.com/ncgn/ncgn/internal/progress"
)

// Seeds are the seeds of a run, all derived from the base seed so that one number fixes
// every draw: the four simulated data sets, the network initialisation, the training draws
// (t, noise, shuffling) and the sampling noise of each task.
type Seeds struct {
	Base     int64 `json:"base"`
	Train    int64 `json:"train_data"`
	Test     int64 `json:"test_data"`
	Knockout int64 `json:"knockout_data"`
	Floor    int64 `json:"floor_data"`
	Init     int64 `json:"init"`
	Training int64 `json:"training"`
	Sampling int64 `json:"sampling"` // task i samples with Sampling + i
	// Replicate numbers the training seed (0 for the first): replicates share the data and
	// differ in Init, Training and Sampling (ForReplicate).
	Replicate int `json:"replicate,omitempty"`
}

// replicateStride separates the network seeds of two replicates.
const replicateStride = 1_000_003

// ForReplicate returns the seeds of replicate k (0 is s itself): the same data seeds, and
// initialisation, training and sampling seeds moved by k strides, so that replicates are
// independent training runs evaluated on the same test sets (paired comparisons).
func (s Seeds) ForReplicate(k int) Seeds {
	d := int64(k-s.Replicate) * replicateStride
	s.Init, s.Training, s.Sampling, s.Replicate = s.Init+d, s.Training+d, s.Sampling+d, k
	return s
}

// DeriveSeeds returns the seeds of a run with base seed base. Every model gets the same
// initialisation and training seeds, and every model of a task the same sampling noise, so
// that the methods are compared on common random numbers.
func DeriveSeeds(base int64) Seeds {
	b := base * 1000
	return Seeds{Base: base, Train: b + 1, Test: b + 2, Knockout: b + 3, Floor: b + 4, Init: b + 10, Training: b + 11, Sampling: b + 100}
}

// Data holds the simulated data sets of a run, normalised with the training table.
//
// Shapes: Train [TrainSamples][100·3], Test and Floor [n][96·3], Knockout [KnockoutSamples][96·3]
// (nodes time-major, genes sox9, bmp, wnt).
type Data struct {
	Config st.Config
	Norm   *st.Normalisation
	// RefNorm is the reference's running-max table of the same training simulations
	// (st.ReferenceRunningMax), for the random baseline's comparison with the paper.
	RefNorm      *st.Normalisation
	Train        [][]float64
	Test         [][]float64
	Knockout     [][]float64
	KnockoutGene []st.Gene
	Floor        [][]float64
	Seconds      float64 // wall time of the simulations
}

// Simulate simulates and normalises the data sets of preset p with the given seeds. The
// normalisation table is the true min and max per time step over the training simulations;
// it normalises the test, knockout and floor sets too. w, if not nil, receives the progress:
// a bar on a terminal, plain lines elsewhere (internal/progress).
func Simulate(ctx context.Context, p Preset, seeds Seeds, w io.Writer) (*Data, error) {
	cfg := st.DefaultConfig()
	d := &Data{Config: cfg}
	sets := []struct {
		name  string
		grid  st.Grid
		n     int
		seed  int64
		store *[][]float64
	}{
		{"train", st.TrainGrid(), p.TrainSamples, seeds.Train, &d.Train},
		{"test", st.TestGrid(), p.TestSamples, seeds.Test, &d.Test},
		{"knockout", st.KnockoutGrid(), p.KnockoutSamples, seeds.Knockout, &d.Knockout},
		{"floor", st.TestGrid(), p.FloorSamples, seeds.Floor, &d.Floor},
	}
	total := 0
	for _, s := range sets {
		total += s.n
	}
	bar := progress.New(w, total, 0, "simulate")
	defer bar.Finish()
	done, start := 0, time.Now()
	defer func() { d.Seconds = time.Since(start).Seconds() }()
	for _, s := range sets {
		if s.n == 0 {
			continue
		}
		desc := "simulate " + s.name
		ds, err := st.Generate(ctx, st.Request{Config: cfg, Grid: s.grid, Samples: s.n, Seed: uint64(s.seed)}, func(k int) {
			bar.Set(done+k, desc)
		})
		if err != nil {
			return nil, fmt.Errorf("transcriptomics: simulating the %s set: %w", s.name, err)
		}
		done += s.n
		if s.name == "train" {
			if d.Norm, err = ds.Normalisation(st.TrueMinMax, "train"); err != nil {
				return nil, fmt.Errorf("transcriptomics: normalisation of the training set: %w", err)
			}
			if d.RefNorm, err = ds.Normalisation(st.ReferenceRunningMax, "train"); err != nil {
				return nil, fmt.Errorf("transcriptomics: reference normalisation of the training set: %w", err)
			}
		}
		x, err := d.Norm.Normalise(s.grid, ds.Features)
		if err != nil {
			return nil, fmt.Errorf("transcriptomics: normalising the %s set: %w", s.name, err)
		}
		shape := generative.Shape{Nodes: s.grid.Nodes(), Dim: st.NumGenes}
		if *s.store, err = generative.Split(x, shape); err != nil {
			return nil, fmt.Errorf("transcriptomics: %s set: %w", s.name, err)
		}
		if s.grid.Knockout {
			d.KnockoutGene = ds.Knockout
		}
	}
	return d, nil
}

// Description says what the data of preset p are, with their sizes, for a results table.
func Description(p Preset) string {
	return fmt.Sprintf("simulated Bmp-Sox9-Wnt reaction-diffusion (datasets/transcriptomics, default config: 300 points, "+
		"dt 0.005, T = 100): %d training graphs of 10 time × 10 space points (100 nodes), %d test graphs of 8 time × 12 "+
		"space points (96 nodes), %d gene-knockout test graphs (96 nodes), %d further test graphs for the W2 floor; "+
		"genes normalised per time step by the true min/max of the training simulations; positions (s/54, t/90)",
		p.TrainSamples, p.TestSamples, p.KnockoutSamples, p.FloorSamples)
}
