package transcriptomics

import (
	"context"
	"fmt"
	"strings"
	"time"

	st "github.com/ncgn/ncgn/datasets/transcriptomics"
	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/experiments/stats"
	"github.com/ncgn/ncgn/generative"
	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/metrics"
	"github.com/ncgn/ncgn/models"
)

// CellRecord is what the cache keeps for one cell.
type CellRecord struct {
	Scores
	Samples int     `json:"samples"` // generated (= test) samples scored
	Seconds float64 `json:"seconds"` // wall time of the generation and the scoring
	Model   string  `json:"model,omitempty"`
	// Commit and Fingerprint are the code state that computed the cell (experiments.CodeState).
	Commit      string `json:"commit,omitempty"`
	Fingerprint string `json:"fingerprint,omitempty"`
	// Replicate is the training seed (Seeds.Replicate) the cell was computed with.
	Replicate int `json:"replicate,omitempty"`
	// Boot holds the W2 on Preset.BootstrapReps resamples of the test samples, the same
	// resamples for every method and replicate of a task (bootSeed).
	Boot []float64 `json:"boot,omitempty"`
	// ByTask holds per-task scores of a reference cell (ignoreCell), by task Key.
	ByTask map[string]Scores `json:"by_task,omitempty"`
}

// Cell names. Table 3: "table3/TASK/METHOD" with TASK a st.Task Key (e.g. "forward_sim") and
// METHOD a Method Key (e.g. "dmp-gcn", "random"), and "table3/floor", the W2 of a second test
// set of true simulations. Figure 11: "figure11/GRAPH/L<layers>".
const floorCell = "table3/floor"

// ignoreCell scores, for each conditional task but gene knockout, a perfect generator that
// ignores the condition: the floor set's true simulations with the known entries replaced by
// those of test sample j. A network whose paired RMSE lies below it uses the condition.
const ignoreCell = "table3/ignore-condition"

// refNormCell scores the random baseline of unconditional generation against the test graphs
// normalised with the reference's running-max table instead of the true min and max: what
// separates our random W2 from the paper's.
const refNormCell = "table3/random-reference-normalisation"

func table3Cell(task st.Task, m Method) string { return "table3/" + task.Key() + "/" + m.Key() }

func figure11Cell(g graphs.Kind, layers int) string {
	return fmt.Sprintf("figure11/%s/L%d", g, layers)
}

// CellNames returns every cell of preset p in the order a run computes them: the floor, the
// random baseline's six tasks, then for each network of Table 3 its six tasks (so a network
// is trained and used before the next), then Figure 11's cells.
func CellNames(p Preset) []string {
	var out []string
	if p.FloorSamples > 0 {
		out = append(out, floorCell, ignoreCell, refNormCell)
	}
	for _, m := range Methods() {
		for _, task := range st.Tasks() {
			out = append(out, table3Cell(task, m))
		}
	}
	for _, g := range Graphs() {
		for _, l := range p.Fig11Layers {
			out = append(out, figure11Cell(g, l))
		}
	}
	return out
}

// sampleKey is the part of a cell's cache key that fixes its test data, its sampling and the
// code that computes it.
type sampleKey struct {
	Code          string `json:"code"`          // experiments.CodeState.Fingerprint
	TrainSamples  int    `json:"train_samples"` // the normalisation table comes from the training set
	TrainSeed     int64  `json:"train_seed"`
	TestSamples   int    `json:"test_samples"`
	TestSeed      int64  `json:"test_seed"`
	Knockout      int    `json:"knockout_samples"`
	KnockoutSeed  int64  `json:"knockout_seed"`
	FloorSamples  int    `json:"floor_samples"`
	FloorSeed     int64  `json:"floor_seed"`
	EulerSteps    int    `json:"euler_steps"`
	Solver        string `json:"solver,omitempty"`
	SamplingSeed  int64  `json:"sampling_seed"`
	Replicate     int    `json:"replicate"`
	BootstrapReps int    `json:"bootstrap_reps"`
}

func (r *runner) sampleKey(rep Seeds) sampleKey {
	return sampleKey{Code: r.code.Fingerprint, TrainSamples: r.p.TrainSamples, TrainSeed: r.seeds.Train,
		TestSamples: r.p.TestSamples, TestSeed: r.seeds.Test, Knockout: r.p.KnockoutSamples, KnockoutSeed: r.seeds.Knockout,
		FloorSamples: r.p.FloorSamples, FloorSeed: r.seeds.Floor, EulerSteps: r.p.EulerSteps, Solver: string(r.p.Solver), SamplingSeed: rep.Sampling,
		Replicate: rep.Replicate, BootstrapReps: r.p.BootstrapReps}
}

// entryName is the cache name of a cell's replicate: the cell's name for the first, with
// "/seedK" appended for the K-th.
func entryName(name string, rep Seeds) string {
	if rep.Replicate == 0 {
		return name
	}
	return fmt.Sprintf("%s/seed%d", name, rep.Replicate+1)
}

// cellKey returns the cache key of a cell's replicate: its name, the sampling key and the key
// of the network it uses (empty for the random baseline and the floor).
func (r *runner) cellKey(name string, rep Seeds, model *ModelSpec) (string, error) {
	mk := ""
	if model != nil {
		var err error
		if mk, err = model.Key(r.code.Fingerprint); err != nil {
			return "", err
		}
	}
	return experiments.Key(struct {
		Cell   string    `json:"cell"`
		Sample sampleKey `json:"sample"`
		Model  string    `json:"model"`
	}{name, r.sampleKey(rep), mk})
}

// cached returns the cached record of a cell's replicate, if any.
func (r *runner) cached(name string, rep Seeds, model *ModelSpec) (CellRecord, bool, error) {
	key, err := r.cellKey(name, rep, model)
	if err != nil {
		return CellRecord{}, false, err
	}
	var rec CellRecord
	ok, err := r.cache.Load(entryName(name, rep), key, &rec)
	if err != nil {
		r.env.Logf("warning: %v; computing it again", err)
		return CellRecord{}, false, nil
	}
	return rec, ok, nil
}

// store caches the record of a cell's replicate.
func (r *runner) store(name string, rep Seeds, model *ModelSpec, rec CellRecord) error {
	key, err := r.cellKey(name, rep, model)
	if err != nil {
		return err
	}
	return r.cache.Store(entryName(name, rep), key, rec)
}

// computeTable3 computes the wanted Table 3 cells that are not cached yet, replicate after
// replicate, in CellNames order, caching each as soon as it is done. The floor and the
// perfect generator that ignores the condition depend on the data only: one replicate.
func (r *runner) computeTable3(ctx context.Context, want map[string]bool) error {
	if want[floorCell] {
		if err := r.computeCell(ctx, floorCell, r.seeds, nil, func() (CellRecord, error) { return r.floor(ctx) }); err != nil {
			return err
		}
	}
	if want[ignoreCell] {
		if err := r.computeCell(ctx, ignoreCell, r.seeds, nil, func() (CellRecord, error) { return r.ignoreCondition(ctx) }); err != nil {
			return err
		}
	}
	if want[refNormCell] {
		if err := r.computeCell(ctx, refNormCell, r.seeds, nil, func() (CellRecord, error) { return r.randomReferenceNorm(ctx) }); err != nil {
			return err
		}
	}
	for _, rep := range r.reps {
		for _, m := range Methods() {
			for _, task := range st.Tasks() {
				name := table3Cell(task, m)
				if !want[name] {
					continue
				}
				if m.Random {
					err := r.computeCell(ctx, name, rep, nil, func() (CellRecord, error) { return r.random(ctx, task, rep) })
					if err != nil {
						return err
					}
					continue
				}
				spec := Table3Model(r.p, rep, m.Graph, m.Conv)
				err := r.computeCell(ctx, name, rep, &spec, func() (CellRecord, error) { return r.modelCell(ctx, spec, task, rep) })
				if err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// computeCell reuses the cached record of a cell's replicate or computes and caches it.
func (r *runner) computeCell(ctx context.Context, name string, rep Seeds, model *ModelSpec, compute func() (CellRecord, error)) error {
	entry := entryName(name, rep)
	if !r.owned[entry] { // another shard's
		return nil
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("transcriptomics: stopped before cell %s: %w", entry, err)
	}
	rec, ok, err := r.cached(name, rep, model)
	if err != nil {
		return err
	}
	if ok {
		r.env.Logf("%s: reused from the cache", entry)
		return nil
	}
	// Simulate the data and train (or load) the network first: a cell's time is its own
	// generation and scoring.
	if _, err := r.loadData(ctx); err != nil {
		return err
	}
	if model != nil {
		if _, _, err := r.trainedNet(ctx, *model); err != nil {
			return err
		}
	}
	lock, err := r.cache.Lock(ctx, entry, func(h string) { r.env.Logf("%s: waiting: %s", entry, h) })
	if err != nil {
		return fmt.Errorf("transcriptomics: %w", err)
	}
	defer lock.Release()
	if _, ok, err := r.cached(name, rep, model); err != nil || ok { // computed meanwhile by another process
		if err == nil {
			r.env.Logf("%s: computed by another process meanwhile", entry)
		}
		return err
	}
	start := time.Now()
	rec, err = compute()
	if err != nil {
		return err
	}
	rec.Seconds, rec.Commit, rec.Fingerprint, rec.Replicate = time.Since(start).Seconds(), r.code.Commit, r.code.Fingerprint, rep.Replicate
	if err := r.store(name, rep, model, rec); err != nil {
		return err
	}
	r.computed[entry] = true
	done := r.progress()
	if rec.ByTask != nil {
		r.env.Logf("[%d/%d] %s: %d tasks scored [%s]; %s", r.done, r.todo, entry, len(rec.ByTask), experiments.FormatSeconds(rec.Seconds), done)
	} else {
		r.env.Logf("[%d/%d] %s: W2 %.4f, generated entries %.4f [%s]; %s", r.done, r.todo, entry, rec.W2, rec.W2Generated, experiments.FormatSeconds(rec.Seconds), done)
	}
	return nil
}

// randomReferenceNorm scores N(0, 1) samples (unconditional, the random cell's draws) against
// the test graphs normalised with the reference's running-max table.
func (r *runner) randomReferenceNorm(ctx context.Context) (CellRecord, error) {
	data, err := r.loadData(ctx)
	if err != nil {
		return CellRecord{}, err
	}
	g := st.TestGrid()
	var flat []float64
	for _, x := range data.Test {
		flat = append(flat, x...)
	}
	raw, err := data.Norm.Denormalise(g, flat)
	if err != nil {
		return CellRecord{}, fmt.Errorf("transcriptomics: %w", err)
	}
	ref, err := data.RefNorm.Normalise(g, raw)
	if err != nil {
		return CellRecord{}, fmt.Errorf("transcriptomics: %w", err)
	}
	per := g.Nodes() * st.NumGenes
	truth := make([][]float64, len(data.Test))
	for i := range truth {
		truth[i] = ref[i*per : (i+1)*per]
	}
	gen, err := RandomSamples(len(truth), per, r.seeds.Sampling+int64(st.Unconditional), nil)
	if err != nil {
		return CellRecord{}, err
	}
	return score(st.Unconditional, g, gen, truth, nil, "")
}

// floor scores the second test set of true simulations against the test set (unconditional).
func (r *runner) floor(ctx context.Context) (CellRecord, error) {
	data, err := r.loadData(ctx)
	if err != nil {
		return CellRecord{}, err
	}
	d, err := st.Unconditional.Divisor(st.TestGrid())
	if err != nil {
		return CellRecord{}, fmt.Errorf("transcriptomics: %w", err)
	}
	w2, err := metrics.FlattenedW2(data.Floor, data.Test, float64(d))
	if err != nil {
		return CellRecord{}, fmt.Errorf("transcriptomics: floor W2: %w", err)
	}
	return CellRecord{Scores: Scores{W2: w2, W2Generated: w2}, Samples: len(data.Floor)}, nil
}

// ignoreCondition scores the floor set, known entries replaced, on each conditional task
// posed on the test set (not gene knockout, whose truth is another set).
func (r *runner) ignoreCondition(ctx context.Context) (CellRecord, error) {
	data, err := r.loadData(ctx)
	if err != nil {
		return CellRecord{}, err
	}
	rec := CellRecord{ByTask: map[string]Scores{}, Samples: len(data.Floor)}
	for _, task := range st.Tasks() {
		if task == st.Unconditional || task == st.GeneKnockout {
			continue
		}
		g, truth, genes := data.TaskSet(task)
		cond, masks, err := Conditioning(task, g, truth, genes, data.Norm)
		if err != nil {
			return CellRecord{}, err
		}
		gen := make([][]float64, len(data.Floor))
		for j, x := range data.Floor {
			gen[j] = append([]float64(nil), x...)
			if err := cond.Apply(gen[j], j, 1); err != nil {
				return CellRecord{}, fmt.Errorf("transcriptomics: %s, sample %d: %w", ignoreCell, j, err)
			}
		}
		c, err := score(task, g, gen, truth, masks, "")
		if err != nil {
			return CellRecord{}, err
		}
		rec.ByTask[task.Key()] = c.Scores
	}
	return rec, nil
}

// random scores the random baseline on a task with the sampling seed of replicate rep.
func (r *runner) random(ctx context.Context, task st.Task, rep Seeds) (CellRecord, error) {
	data, err := r.loadData(ctx)
	if err != nil {
		return CellRecord{}, err
	}
	g, truth, genes := data.TaskSet(task)
	cond, masks, err := Conditioning(task, g, truth, genes, data.Norm)
	if err != nil {
		return CellRecord{}, err
	}
	gen, err := RandomSamples(len(truth), g.Nodes()*st.NumGenes, rep.Sampling+int64(task), cond)
	if err != nil {
		return CellRecord{}, err
	}
	rec, err := score(task, g, gen, truth, masks, "")
	if err != nil {
		return CellRecord{}, err
	}
	return rec, r.bootstrap(&rec, task, g, gen, truth)
}

// modelCell generates a task with the network of spec and the sampling seed of replicate rep
// and scores it.
func (r *runner) modelCell(ctx context.Context, spec ModelSpec, task st.Task, rep Seeds) (CellRecord, error) {
	net, _, err := r.trainedNet(ctx, spec)
	if err != nil {
		return CellRecord{}, err
	}
	gen, truth, masks, err := r.generateTask(ctx, net, spec, task, rep, r.tableSampling())
	if err != nil {
		return CellRecord{}, err
	}
	data, err := r.loadData(ctx)
	if err != nil {
		return CellRecord{}, err
	}
	g, _, _ := data.TaskSet(task)
	rec, err := score(task, g, gen, truth, masks, spec.Name())
	if err != nil {
		return CellRecord{}, err
	}
	return rec, r.bootstrap(&rec, task, g, gen, truth)
}

// bootSeed fixes the resamples of a task's test samples: the same for every method and
// replicate, so that their W2 on resample j are paired.
func (r *runner) bootSeed(task st.Task) uint64 {
	return uint64(r.seeds.Test)<<8 ^ uint64(task+1)
}

// bootstrap sets rec.Boot to the W2 of gen against truth on each of the preset's resamples of
// the test samples (sample j's generated and true values drawn together).
func (r *runner) bootstrap(rec *CellRecord, task st.Task, g st.Grid, gen, truth [][]float64) error {
	boot, err := r.bootW2(task, g, gen, truth, r.p.BootstrapReps)
	rec.Boot = boot
	return err
}

// bootW2 returns the W2 of gen against truth on reps resamples of the test samples of the
// task (none for reps < 2).
func (r *runner) bootW2(task st.Task, g st.Grid, gen, truth [][]float64, reps int) ([]float64, error) {
	if reps < 2 {
		return nil, nil
	}
	d, err := task.Divisor(g)
	if err != nil {
		return nil, fmt.Errorf("transcriptomics: %w", err)
	}
	_, _, boot, err := stats.Bootstrap(len(gen), reps, r.bootSeed(task), func(idx []int) (float64, error) {
		gi, ti := make([][]float64, len(idx)), make([][]float64, len(idx))
		for k, j := range idx {
			gi[k], ti[k] = gen[j], truth[j]
		}
		return metrics.FlattenedW2(gi, ti, float64(d))
	})
	if err != nil {
		return nil, fmt.Errorf("transcriptomics: task %q: %w", task.Name(), err)
	}
	return boot, nil
}

// score computes the Scores of a task's samples with the task's divisor.
func score(task st.Task, g st.Grid, gen, truth [][]float64, masks [][]bool, model string) (CellRecord, error) {
	d, err := task.Divisor(g)
	if err != nil {
		return CellRecord{}, fmt.Errorf("transcriptomics: %w", err)
	}
	s, err := Score(gen, truth, masks, float64(d))
	if err != nil {
		return CellRecord{}, fmt.Errorf("transcriptomics: task %q: %w", task.Name(), err)
	}
	return CellRecord{Scores: s, Samples: len(gen), Model: model}, nil
}

// table3 assembles Table 3 from the cache: every cell computed so far (by this run or an
// earlier one), the paper's numbers beside ours.
func (r *runner) table3() (*experiments.Table, error) {
	t := &experiments.Table{
		Name:     "table3",
		Title:    "Table 3: flattened W2 on simulated spatiotemporal transcriptomics (paper Section 5.2)",
		RowTitle: "task",
		Metrics: []experiments.Metric{
			{Key: "w2", Title: "W2, the paper's metric (all entries, known ones included)",
				Description: "Exact optimal-transport cost between the generated and the test set, each sample flattened to 96 × 3 normalised gene values, divided by 8 time points (7 for trajectory prediction, 6 for interpolation). Lower is better."},
			{Key: "w2_generated", Title: "W2 on the generated entries only",
				Description: "The same cost with the known (conditioned) entries left out of both sets, same divisor; for gene knockout per group of samples with the same knocked-out gene, weighted by group size. Equal to W2 for unconditional generation. Lower is better."},
			{Key: "paired_rmse", Title: "Paired RMSE on the generated entries",
				Description: "Root-mean-square difference between generated sample j and the test simulation j it was conditioned on, over the generated entries (normalised units). Not defined for unconditional generation. Lower is better."},
		},
	}
	for _, task := range st.Tasks() {
		t.Rows = append(t.Rows, experiments.Header{Key: task.Key(), Title: task.Name()})
	}
	for _, m := range Methods() {
		t.Columns = append(t.Columns, experiments.Header{Key: m.Key(), Title: m.Title()})
	}
	var compute float64
	models := map[string]ModelRecord{}
	recs := map[string][]CellRecord{}
	for _, task := range st.Tasks() {
		for _, m := range Methods() {
			name := table3Cell(task, m)
			paper := PaperTable3[task][m.Key()]
			cell := experiments.Cell{Row: task.Key(), Column: m.Key(), Paper: &paper, Name: name, Values: map[string]float64{}}
			model := func(rep Seeds) *ModelSpec {
				if m.Random {
					return nil
				}
				s := Table3Model(r.p, rep, m.Graph, m.Conv)
				return &s
			}
			rs, err := r.replicates(name, model)
			if err != nil {
				return nil, err
			}
			recs[name] = rs
			compute += r.fill(&cell, rs, "w2", "w2_generated", "paired_rmse")
			for _, rec := range rs {
				if spec := model(r.reps[rec.Replicate]); spec != nil {
					if mr, ok := r.modelRecord(*spec); ok {
						models[spec.Name()] = mr
					}
				}
			}
			t.Set(cell)
		}
	}
	for _, mr := range models {
		compute += mr.Seconds
	}
	if err := r.table3Comparisons(t, recs); err != nil {
		return nil, err
	}
	floor, haveFloor, err := r.cached(floorCell, r.seeds, nil)
	if err != nil {
		return nil, err
	}
	if haveFloor {
		compute += floor.Seconds
	}
	ignore, haveIgnore, err := r.cached(ignoreCell, r.seeds, nil)
	if err != nil {
		return nil, err
	}
	if haveIgnore {
		compute += ignore.Seconds
	}
	refNorm, haveRefNorm, err := r.cached(refNormCell, r.seeds, nil)
	if err != nil {
		return nil, err
	}
	if haveRefNorm {
		compute += refNorm.Seconds
	}
	t.Meta = r.meta(compute + r.simulated)
	t.Notes = r.table3Notes(floor, haveFloor, models)
	if haveRefNorm {
		if rnd := t.Cell(st.Unconditional.Key(), "random"); rnd != nil {
			if v, ok := rnd.Values["w2"]; ok {
				t.Notes = append(t.Notes, fmt.Sprintf("The random baseline scores %.3f for unconditional generation against the paper's %.3f because of the "+
					"normalisation: ours divides by the true min and max of the training simulations, the reference by its running "+
					"maximum (docs/REFERENCE.md §7); against the test graphs normalised the reference's way the same random samples score %.3f.",
					v, PaperTable3[st.Unconditional]["random"], refNorm.W2))
			}
		}
	}
	if haveIgnore {
		t.Notes = append(t.Notes, ignoreNote(ignore))
	}
	return t, nil
}

// table3Comparisons adds, for every task and layer, the paired comparisons of the graphs the
// paper compares: DMP against kNN and fully connected, and kNN against fully connected.
func (r *runner) table3Comparisons(t *experiments.Table, recs map[string][]CellRecord) error {
	for _, task := range st.Tasks() {
		for _, c := range []models.Conv{models.GCN, models.GAT} {
			for _, pair := range [][2]graphs.Kind{{graphs.DMP, graphs.KNN}, {graphs.DMP, graphs.Full}, {graphs.KNN, graphs.Full}} {
				a, b := Method{Graph: pair[0], Conv: c}, Method{Graph: pair[1], Conv: c}
				pa, pb := PaperTable3[task][a.Key()], PaperTable3[task][b.Key()]
				cmp, ok, err := r.compare(task.Key()+"/"+a.Key(), task.Key()+"/"+b.Key(), table3Cell(task, a), table3Cell(task, b), recs[table3Cell(task, a)], recs[table3Cell(task, b)], &pa, &pb)
				if err != nil {
					return err
				}
				if ok {
					t.Comparisons = append(t.Comparisons, cmp)
				}
			}
		}
	}
	return nil
}

// ignoreNote states the scores of the perfect generator that ignores the condition.
func ignoreNote(rec CellRecord) string {
	var parts []string
	for _, task := range st.Tasks() {
		s, ok := rec.ByTask[task.Key()]
		if !ok || s.PairedRMSE == nil {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %.3f / %.3f / %.3f", task.Name(), s.W2, s.W2Generated, *s.PairedRMSE))
	}
	return fmt.Sprintf("A perfect generator that ignores the condition (%d further true simulations, known entries replaced by "+
		"test sample j's) scores W2 / W2 on the generated entries / paired RMSE: %s. A paired RMSE below it shows that a "+
		"network uses the condition.", rec.Samples, strings.Join(parts, "; "))
}

// modelRecord returns the cached record of a trained network (without loading its weights).
func (r *runner) modelRecord(spec ModelSpec) (ModelRecord, bool) {
	key, err := spec.Key(r.code.Fingerprint)
	if err != nil {
		return ModelRecord{}, false
	}
	return r.nets.Record(spec.Name(), key)
}

// table3Notes explains the table: the protocol, the floor, the baseline, the paper's defect.
func (r *runner) table3Notes(floor CellRecord, haveFloor bool, trained map[string]ModelRecord) []string {
	p := r.p
	train := plural(p.Steps, "step")
	if p.Epochs > 0 {
		train = plural(p.Epochs, "epoch")
	}
	notes := []string{
		fmt.Sprintf("Protocol: one network per (graph, layer), trained once, unconditionally, with σ = 0 flow matching "+
			"(%s at batch %d, Adam lr %g, warm-up %d steps, EMA %g; width %d, %d layers, k = %d, DMP with the exp schedule), "+
			"generates every task on the 96-node test graphs with its EMA weights and %d %s steps; conditional tasks by "+
			"replacement (known entries fixed to their normalised test values, velocity masked). Generated sample j is conditioned "+
			"on test sample j (gene knockout: knockout sample j, the gene held at the normalised value of raw 0). "+
			"The paper: 10000 training graphs, 300 epochs at batch 128, 200 Euler steps, 2000 test graphs.",
			train, p.BatchSize, p.LR, p.Warmup, p.EMADecay, p.Width, p.Layers, p.K, p.EulerSteps, solverName(p.Solver)),
		"Random: every generated entry drawn from N(0, 1), the flow's source distribution (zero Euler steps), known entries " +
			"replaced as for the networks (N(0, 1) noise, not uniform values, is what comes close to the paper's random column).",
		"The paper's conditional rows are inflated by a defect of the reference's test script, which writes raw, un-normalised " +
			"gene values into the known entries (docs/REFERENCE.md §9); ours hold the correct normalised values, so our conditional " +
			"W2 are expected to be lower and are not comparable digit for digit (nor tuned towards the paper's). The second and " +
			"third tables show the error on the generated entries alone.",
	}
	if haveFloor {
		notes = append(notes, fmt.Sprintf("Floor: %d further true simulations score W2 = %.3f against the %d test graphs "+
			"(unconditional): the best any generator can expect at this sample size.", floor.Samples, floor.W2, p.TestSamples))
	}
	if r.simulated > 0 {
		notes = append(notes, fmt.Sprintf("Simulating the data took %s in this run (included in the computation time above).", experiments.FormatSeconds(r.simulated)))
	}
	if len(trained) > 0 {
		var parts []string
		for _, m := range Methods() {
			if m.Random {
				continue
			}
			s := Table3Model(p, r.seeds, m.Graph, m.Conv)
			if mr, ok := trained[s.Name()]; ok { // the first seed's network
				parts = append(parts, fmt.Sprintf("%s %s (final loss %.3f, %d parameters)", m.Title(), experiments.FormatSeconds(mr.Seconds), mr.FinalLoss, mr.Params))
			}
		}
		notes = append(notes, "Training wall time per network: "+strings.Join(parts, "; ")+".")
	}
	return notes
}

// solverName names the sampling solver in the tables' notes.
func solverName(s generative.FlowSolver) string {
	if s == "" || s == generative.SolverEuler {
		return "Euler"
	}
	return string(s) + " (the named option --sampler " + string(s) + "; the paper: Euler)"
}
