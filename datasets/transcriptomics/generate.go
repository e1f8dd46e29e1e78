package transcriptomics

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Request describes a data set to simulate.
type Request struct {
	Config  Config
	Grid    Grid
	Samples int    // number of simulations, >= 1
	Seed    uint64 // fixes every draw (SampleRand, KnockoutGene)
	Workers int    // goroutines; 0 means runtime.GOMAXPROCS(0)

	// StatSteps are the frame labels at which each sample's min and max over its whole state are
	// recorded (for Normalisation). Nil means the grid's own labels together with the
	// DefaultStatSteps within Config.MaxLabel().
	StatSteps []int
}

// Range is the minimum and maximum of a set of values.
type Range struct {
	Min float64 `json:"min"`
	Max float64 `json:"max"`
}

// Dataset holds simulated samples on one grid, in raw (simulated) units.
//
// Shapes: Features [Samples][Grid.Nodes()][NumGenes] (genes sox9, bmp, wnt); Knockout [Samples];
// Stats [Samples][len(StatSteps)].
type Dataset struct {
	Config    Config
	Grid      Grid
	Samples   int
	Seed      uint64
	Features  []float64
	Knockout  []Gene  // the knocked-out gene per sample, NoKnockout when the grid has none
	StatSteps []int   // frame labels of Stats
	Stats     []Range // min and max of each sample's full state (all points, all genes) at StatSteps

	// SampleSeconds is the measured wall time of each sample's simulation: a measurement,
	// not data (it differs from run to run).
	SampleSeconds []float64
}

// Generate simulates req.Samples samples in parallel and returns them. Sample i uses only its
// own generators (SampleRand, KnockoutGene), and each sample writes only its own slots, so the
// result is the same bytes for any number of workers. progress, if not nil, is called from the
// calling goroutine with the number of finished samples after each one. Cancelling ctx stops the
// work and returns ctx's error.
func Generate(ctx context.Context, req Request, progress func(done int)) (*Dataset, error) {
	cfg, g, n := req.Config, req.Grid, req.Samples
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, fmt.Errorf("transcriptomics: %d samples requested, need at least 1: %w", n, ErrInput)
	}
	if err := g.Validate(cfg); err != nil {
		return nil, err
	}
	statSteps := req.StatSteps
	if statSteps == nil {
		statSteps = defaultStatSteps(cfg, g)
	}
	if err := checkLabels(statSteps, cfg.MaxLabel(), "stat steps"); err != nil {
		return nil, err
	}
	workers := req.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, n)

	// One recording plan for all samples: the sorted union of grid labels and stat labels,
	// each with its time index on the grid and its index among the stat labels (-1 if none).
	labels := unionSorted(g.TimeSteps, statSteps)
	gridAt, statAt := indexOf(labels, g.TimeSteps), indexOf(labels, statSteps)

	nodes, spaces := g.Nodes(), g.Spaces()
	ds := &Dataset{
		Config: cfg, Grid: g, Samples: n, Seed: req.Seed,
		Features:      make([]float64, n*nodes*NumGenes),
		Knockout:      make([]Gene, n),
		StatSteps:     append([]int(nil), statSteps...),
		Stats:         make([]Range, n*len(statSteps)),
		SampleSeconds: make([]float64, n),
	}

	runSample := func(sim *Simulator, x0 []float64, i int) error {
		start := time.Now()
		fillInitial(x0, cfg, SampleRand(req.Seed, i))
		ko := NoKnockout
		if g.Knockout {
			ko = KnockoutGene(req.Seed, i)
		}
		ds.Knockout[i] = ko
		feat := ds.Features[i*nodes*NumGenes : (i+1)*nodes*NumGenes]
		stats := ds.Stats[i*len(statSteps) : (i+1)*len(statSteps)]
		err := sim.Run(x0, ko, labels, func(j int, st State) error {
			if ti := gridAt[j]; ti >= 0 {
				for si, p := range g.SpaceIndices {
					node := ti*spaces + si
					for gene := 0; gene < NumGenes; gene++ {
						feat[node*NumGenes+gene] = st[gene][p]
					}
				}
			}
			if k := statAt[j]; k >= 0 {
				stats[k] = stateRange(st)
			}
			return nil
		})
		ds.SampleSeconds[i] = time.Since(start).Seconds()
		if err != nil {
			return fmt.Errorf("transcriptomics: sample %d (seed %d): %w", i, req.Seed, err)
		}
		return nil
	}

	var (
		next atomic.Int64
		stop atomic.Bool
		wg   sync.WaitGroup
	)
	errs := make([]error, n)
	finished := make(chan struct{}, n)
	for w := 0; w < workers; w++ {
		sim, err := NewSimulator(cfg)
		if err != nil {
			stop.Store(true)
			wg.Wait()
			return nil, err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			x0 := make([]float64, NumGenes*cfg.Points)
			for !stop.Load() {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if errs[i] = runSample(sim, x0, i); errs[i] != nil {
					stop.Store(true)
				}
				finished <- struct{}{}
			}
		}()
	}
	go func() { wg.Wait(); close(finished) }()

	done, cancelled := 0, ctx.Done()
	for open := true; open; {
		select {
		case _, ok := <-finished:
			if !ok {
				open = false
				break
			}
			done++
			if progress != nil {
				progress(done)
			}
		case <-cancelled:
			stop.Store(true)
			cancelled = nil // keep draining until the workers have stopped
		}
	}
	for _, err := range errs { // the lowest sample index first: a deterministic report
		if err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("transcriptomics: simulation stopped after %d of %d samples: %w", done, n, err)
	}
	return ds, nil
}

// defaultStatSteps returns the grid's labels together with the DefaultStatSteps that the
// configuration can record.
func defaultStatSteps(cfg Config, g Grid) []int {
	var within []int
	for _, l := range DefaultStatSteps() {
		if l <= cfg.MaxLabel() {
			within = append(within, l)
		}
	}
	return unionSorted(g.TimeSteps, within)
}

// indexOf returns, for each of the sorted labels, its position in subset, or -1.
func indexOf(labels, subset []int) []int {
	pos := make(map[int]int, len(subset))
	for k, l := range subset {
		pos[l] = k
	}
	out := make([]int, len(labels))
	for j, l := range labels {
		if k, ok := pos[l]; ok {
			out[j] = k
		} else {
			out[j] = -1
		}
	}
	return out
}

// stateRange returns the minimum and maximum over all genes and points of st.
func stateRange(st State) Range {
	r := Range{Min: st[0][0], Max: st[0][0]}
	for g := range st {
		for _, v := range st[g] {
			r.Min = min(r.Min, v)
			r.Max = max(r.Max, v)
		}
	}
	return r
}

// Sample returns sample i's features, [Grid.Nodes()][NumGenes] (a view, not a copy).
func (d *Dataset) Sample(i int) ([]float64, error) {
	if i < 0 || i >= d.Samples {
		return nil, fmt.Errorf("transcriptomics: sample %d of a data set of %d: %w", i, d.Samples, ErrInput)
	}
	m := d.Grid.Nodes() * NumGenes
	return d.Features[i*m : (i+1)*m], nil
}

// Normalisation fits a normalisation table to the data set's statistics (see Fit); source
// names where the simulations came from, e.g. "train".
func (d *Dataset) Normalisation(mode NormalisationMode, source string) (*Normalisation, error) {
	return Fit(d.StatSteps, d.Stats, d.Samples, mode, source)
}
