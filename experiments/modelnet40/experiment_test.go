package modelnet40

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	mn "github.com/ncgn/ncgn/datasets/modelnet40"
	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/experiments/exptest"
	"github.com/ncgn/ncgn/models"
)

// sharedData is SharedData seen from this package's folder.
const sharedData = "../../" + SharedData

// syntheticTree writes a synthetic point-cloud ModelNet40 folder (mn.WriteSynthetic) and
// returns its root.
func syntheticTree(t testing.TB, train, test map[string]int, k int) string {
	t.Helper()
	root := t.TempDir()
	if err := mn.WriteSynthetic(root, train, test, k); err != nil {
		t.Fatal(err)
	}
	return root
}

// TestLoad_Selection checks the two test selections on a folder whose first class has fewer
// test objects than asked for: the reference's takes the first ones in class order, the
// balanced one as many from each class; and that every cloud is normalised (centred, largest
// |coordinate| the reference's 0.25).
func TestLoad_Selection(t *testing.T) {
	root := syntheticTree(t, map[string]int{"airplane": 3, "bathtub": 3}, map[string]int{"airplane": 6, "bathtub": 6}, 120)
	p := Presets()[experiments.Smoke]
	d, err := Load(context.Background(), root, p, DeriveSeeds(1), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(d.TestClasses, d.TestCounts["airplane"], d.TestCounts["bathtub"]); got != "[airplane bathtub] 6 2" {
		t.Errorf("reference selection: classes and counts %s, want [airplane bathtub] 6 2", got)
	}
	if len(d.Train) != 6 || len(d.Test) != p.TestClouds {
		t.Errorf("%d training and %d test clouds, want 6 and %d", len(d.Train), len(d.Test), p.TestClouds)
	}
	for i, c := range append(append([][]float64{}, d.Train...), d.Test...) {
		var mean [3]float64
		var m float64
		for k, v := range c {
			mean[k%3] += v / float64(len(c)/3)
			m = math.Max(m, math.Abs(v))
		}
		if math.Abs(m-mn.ReferenceScale) > 1e-9 || math.Abs(mean[0])+math.Abs(mean[1])+math.Abs(mean[2]) > 1e-9 {
			t.Fatalf("cloud %d: mean %v, largest |coordinate| %v, want 0 and %v", i, mean, m, mn.ReferenceScale)
		}
	}
	bal, err := p.WithSelection(SelectBalanced)
	if err != nil {
		t.Fatal(err)
	}
	d, err = Load(context.Background(), root, bal, DeriveSeeds(1), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(d.TestClasses, d.TestCounts["airplane"], d.TestCounts["bathtub"]); got != "[airplane bathtub] 4 4" {
		t.Errorf("balanced selection: classes and counts %s, want [airplane bathtub] 4 4", got)
	}
	desc := d.Description(bal)
	for _, want := range []string{"airplane 4", "bathtub 4", "stored surface samples", `"balanced"`} {
		if !strings.Contains(desc, want) {
			t.Errorf("description %q lacks %q", desc, want)
		}
	}
}

// TestScore_ClosedForms checks the scores against closed forms: a generated set that is the
// test set moved by v has W2 = |v|/√n (× 10²); with every test cloud one cloud X and every
// generated cloud X + v (|v| far beyond X's extent), MMD-EMD is |v| (× 10²), COV is one test
// cloud in m and 1-NNA is 100 %.
func TestScore_ClosedForms(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const m, n = 5, 7
	v := [3]float64{0.3, -0.4, 1.2} // |v| = 1.3
	test, gen := make([][]float64, m), make([][]float64, m)
	for i := range test {
		test[i], gen[i] = make([]float64, 3*n), make([]float64, 3*n)
		for k := range test[i] {
			test[i][k] = 0.1 * r.Float64()
			gen[i][k] = test[i][k] + v[k%3]
		}
	}
	ref, err := newReference(test, false, 0)
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := score(gen, ref)
	if err != nil {
		t.Fatal(err)
	}
	if want := 100 * 1.3 / math.Sqrt(n); math.Abs(s[KeyW2]-want) > 1e-9 {
		t.Errorf("W2 of the moved set %.12g, want %.12g", s[KeyW2], want)
	}
	for i := range test {
		copy(test[i], test[0])
		for k := range gen[i] {
			gen[i][k] = test[0][k] + 10*v[k%3]
		}
	}
	ref, err = newReference(test, true, 0)
	if err != nil {
		t.Fatal(err)
	}
	s, _, err = score(gen, ref)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]float64{KeyMMDEMD: 100 * 13, KeyCOVEMD: 100.0 / m, KeyNNAEMD: 100, KeyCOVCD: 100.0 / m, KeyNNACD: 100} {
		if math.Abs(s[key]-want) > 1e-9*math.Max(1, want) {
			t.Errorf("%s = %.12g, want %.12g", key, s[key], want)
		}
	}
}

// TestSpread checks the evenly spread subset of the set metrics.
func TestSpread(t *testing.T) {
	if got := fmt.Sprint(spread(10, 4), spread(3, 0), spread(3, 5)); got != "[0 2 5 7] [0 1 2] [0 1 2]" {
		t.Errorf("spread: %s", got)
	}
}

// TestRandomClouds_W2 checks the random baseline against its expected value: N(0, 1) clouds
// of n points scored against clouds at the origin have W2 ≈ √(3n)/n (× 10²), the paper's
// 8.624 for n = 400 up to the test clouds' small extent.
func TestRandomClouds_W2(t *testing.T) {
	const m, n = 64, 400
	gen := randomClouds(m, 3*n, 7)
	zero := make([][]float64, m)
	for i := range zero {
		zero[i] = make([]float64, 3*n)
	}
	ref, err := newReference(zero, false, 0)
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := score(gen, ref)
	if err != nil {
		t.Fatal(err)
	}
	if want := 100 * math.Sqrt(3*n) / n; math.Abs(s[KeyW2]-want) > 0.01*want {
		t.Errorf("W2 of N(0, 1) clouds against the origin %.4f, want %.4f within 1 %%", s[KeyW2], want)
	}
}

// TestMethods_Cells checks the cell names: thirteen distinct cells (three baselines), Table 2's exp column is
// Table 1's DMP GAT, and the other-orientation cell is named after its own orientation.
func TestMethods_Cells(t *testing.T) {
	for _, ref := range []bool{false, true} {
		seen := map[string]bool{}
		for _, m := range Methods(ref) {
			if seen[m.Cell(ref)] {
				t.Errorf("ref %v: cell %s twice", ref, m.Cell(ref))
			}
			seen[m.Cell(ref)] = true
		}
		if len(seen) != 13 {
			t.Errorf("ref %v: %d cells, want 13", ref, len(seen))
		}
	}
	if got := Table2Method("exp", false).Cell(false); got != "table1/gat-dmp" {
		t.Errorf("Table 2's exp cell %s, want table1/gat-dmp", got)
	}
	if got := Table2Method("exp", true).Cell(false); got != "table2/gat-dmp-exp-reference-orientation" {
		t.Errorf("other orientation cell %s", got)
	}
	if got := Table2Method("exp", false).Cell(true); got != "table2/gat-dmp-exp-paper-orientation" {
		t.Errorf("other orientation cell under --orientation reference %s", got)
	}
}

// TestRun_Smoke runs the smoke preset end to end on a synthetic folder: a first run stopped
// after its first network is trained, a second that resumes and completes, a third that
// reuses every cell and reproduces the numbers. It checks the files, the rows of both tables
// (every cell a W2 and the six set metrics, the paper's number, the computing commit) and the
// comparisons the paper makes.
func TestRun_Smoke(t *testing.T) {
	root := syntheticTree(t, map[string]int{"airplane": 8, "bathtub": 8, "chair": 4}, map[string]int{"airplane": 5, "bathtub": 5, "chair": 5}, 110)
	out := filepath.Join(t.TempDir(), Name)
	env := experiments.Env{Scale: experiments.Smoke, OutDir: out, Seed: 1, Seeds: 2, Commit: "test", Data: root,
		Code: experiments.CodeState{Fingerprint: "fp-test", Commit: "abc123"}}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	first := &exptest.Log{Text: "models/gcn-knn-S2: trained", Cancel: cancel}
	env.Log = first
	if err := Run(ctx, env); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: error %v, want context.Canceled\n%s", err, first)
	}
	second := &exptest.Log{}
	env.Log = second
	if err := Run(context.Background(), env); err != nil {
		t.Fatalf("second run: %v\n%s", err, second)
	}
	if !strings.Contains(second.String(), "models/gcn-knn-S2: reused from the cache") {
		t.Errorf("second run did not reuse the network trained by the first:\n%s", second)
	}
	for _, f := range []string{"table1.md", "table1.csv", "table1.json", "table2.md", "table2.csv", "table2.json",
		"pictures/table1-gat-dmp.png", "samples/table1-gat-dmp.npy", "samples/table1-gat-dmp.ply", "samples/test.npy", "samples/test.ply"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("output %s: %v", f, err)
		}
	}
	t1 := exptest.ReadTable(t, filepath.Join(out, "table1.json"))
	if len(t1.Cells) != 12 {
		t.Fatalf("table 1 has %d cells, want 12", len(t1.Cells))
	}
	for _, c := range t1.Cells {
		want, has := PaperTable1[models.Conv(c.Row)][c.Column]
		if has != (c.Paper != nil) || has && *c.Paper != want {
			t.Errorf("cell %s/%s: paper number %v, want %v (%v)", c.Row, c.Column, c.Paper, want, has)
		}
		for _, k := range append([]string{KeyW2, KeySpread}, SetKeys...) {
			if v, ok := c.Values[k]; !ok || math.IsNaN(v) {
				t.Errorf("cell %s/%s: %s = %v, %v", c.Row, c.Column, k, v, ok)
			}
			if s := c.Summaries[k]; s.N != 2 {
				t.Errorf("cell %s/%s: %s summarises %d seeds, want 2", c.Row, c.Column, k, s.N)
			}
		}
		if c.Commit != "abc123" || c.Fingerprint != "fp-test" {
			t.Errorf("cell %s/%s: computed at %q (%q), want abc123 (fp-test)", c.Row, c.Column, c.Commit, c.Fingerprint)
		}
	}
	var dmpKNN int
	for _, c := range t1.Comparisons {
		if c.A == "gat/dmp" && c.B == "gat/knn" && c.Metric == KeyW2 {
			dmpKNN++
			if c.Seeds != 2 || c.Paper != "A < B" || c.Verdict == "" {
				t.Errorf("comparison %+v", c)
			}
		}
	}
	if dmpKNN != 1 {
		t.Errorf("table 1 has %d W2 comparisons of GAT DMP and kNN, want 1: %+v", dmpKNN, t1.Comparisons)
	}
	t2 := exptest.ReadTable(t, filepath.Join(out, "table2.json"))
	if len(t2.Cells) != 5 {
		t.Fatalf("table 2 has %d cells, want 5", len(t2.Cells))
	}
	exp1, exp2 := t1.Cell("gat", "dmp"), t2.Cell("gat-dmp", "exp")
	if exp1 == nil || exp2 == nil || exp1.Values[KeyW2] != exp2.Values[KeyW2] {
		t.Errorf("Table 2's exp column differs from Table 1's DMP GAT: %v, %v", exp1, exp2)
	}

	third := &exptest.Log{}
	env.Log = third
	if err := Run(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(third.String(), ": computing") || strings.Contains(third.String(), ": training (") {
		t.Errorf("third run computed again:\n%s", third)
	}
	again := exptest.ReadTable(t, filepath.Join(out, "table1.json"))
	for _, c := range t1.Cells {
		if a := again.Cell(c.Row, c.Column); a == nil || a.Values[KeyW2] != c.Values[KeyW2] || !a.Cached {
			t.Errorf("cell %s/%s: cached run gives %v, first %v", c.Row, c.Column, a, c.Values)
		}
	}
	// A change of the code's fingerprint recomputes the cells.
	env.Code.Fingerprint, env.Only = "fp-changed", []string{"table1/random"}
	fourth := &exptest.Log{}
	env.Log = fourth
	if err := Run(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(fourth.String(), "table1/random: computing") {
		t.Errorf("a changed code fingerprint reused the cached cell:\n%s", fourth)
	}
}

// TestRun_SharedData runs the smoke preset on the shared ModelNet40 folder (skipped when it is
// absent): the real data end to end, the check .ci/run makes of the experiment.
func TestRun_SharedData(t *testing.T) {
	if _, err := os.Stat(sharedData); err != nil {
		t.Skipf("%s absent (see ../shared/data/README.md): %v", sharedData, err)
	}
	out := filepath.Join(t.TempDir(), Name)
	log := &exptest.Log{}
	env := experiments.Env{Scale: experiments.Smoke, OutDir: out, Seed: 1, Commit: "test", Data: sharedData, Log: log,
		Code: experiments.CodeState{Fingerprint: "fp-test", Commit: "abc123"}}
	if err := Run(context.Background(), env); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	t1 := exptest.ReadTable(t, filepath.Join(out, "table1.json"))
	if !strings.Contains(t1.Meta.Data, "airplane 8") {
		t.Errorf("data description %q does not name the test classes (airplane 8)", t1.Meta.Data)
	}
	if c := t1.Cell("gcn", "random"); c == nil || !(c.Values[KeyW2] > 0) {
		t.Errorf("random cell %v", c)
	}
}

// TestRun_BadInput checks the errors of a missing data folder and an unknown option value.
func TestRun_BadInput(t *testing.T) {
	out := filepath.Join(t.TempDir(), Name)
	missing := filepath.Join(t.TempDir(), "nowhere")
	env := experiments.Env{Scale: experiments.Smoke, OutDir: out, Seed: 1, Data: missing}
	err := Run(context.Background(), env)
	if !errors.Is(err, ErrNoData) || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing data: %v, want ErrNoData naming %s", err, missing)
	}
	env.Data = ""
	env.Options = map[string]string{OptSelection: "random"}
	if err := Run(context.Background(), env); !errors.Is(err, experiments.ErrConfig) || !strings.Contains(err.Error(), "selection") {
		t.Errorf("bad selection: %v, want ErrConfig naming the option", err)
	}
}

// TestBootstrapMMD checks the MMD resamples: one per resample, each between the smallest and
// the largest distance (scaled), none for fewer than two resamples.
func TestBootstrapMMD(t *testing.T) {
	d := [][]float64{{1, 5, 2}, {3, 0.5, 4}, {2, 2, 0.1}} // d[s][r]
	boot, err := bootstrapMMD(d, 10, 200, 3)
	if err != nil || len(boot) != 200 {
		t.Fatal(boot, err)
	}
	for _, v := range boot {
		if v < 10*0.1-1e-12 || v > 10*5+1e-12 {
			t.Fatalf("resample MMD %v outside [1, 50]", v)
		}
	}
	if b, _ := bootstrapMMD(d, 10, 1, 3); b != nil {
		t.Errorf("one resample: %v, want none", b)
	}
}

// TestRun_SamplerOption samples with DDIM (--sampler ddim): the tables go to their own folder,
// say which sampler made them, and the cell's key differs from DDPM's.
func TestRun_SamplerOption(t *testing.T) {
	if _, err := os.Stat(sharedData); err != nil {
		t.Skipf("%s absent (see ../shared/data/README.md): %v", sharedData, err)
	}
	out := filepath.Join(t.TempDir(), Name)
	log := &exptest.Log{}
	env := experiments.Env{Scale: experiments.Smoke, OutDir: out, Seed: 1, Commit: "test", Data: sharedData, Log: log,
		Only: []string{"table1/gat-dmp"}, Options: map[string]string{OptSampler: "ddim"},
		Code: experiments.CodeState{Fingerprint: "fp-test", Commit: "abc123"}}
	if err := Run(context.Background(), env); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	t1 := exptest.ReadTable(t, filepath.Join(out, "sampler-ddim", "table1.json"))
	if c := t1.Cell("gat", "dmp"); c == nil || !(c.Values[KeyW2] > 0) {
		t.Errorf("DMP GAT cell under DDIM: %v", c)
	}
	if !strings.Contains(strings.Join(t1.Notes, " "), "DDIM") {
		t.Errorf("notes do not name DDIM: %q", t1.Notes)
	}
	env.Options = map[string]string{OptSampler: "heun"}
	if err := Run(context.Background(), env); !errors.Is(err, experiments.ErrConfig) || !strings.Contains(err.Error(), "sampler") {
		t.Errorf("heun for a DDPM experiment: %v, want ErrConfig naming the option", err)
	}
	// A sampling option samples the same network (reused from the default folder's cache,
	// where the DDIM run trained it) into its own folder, and its table names the option.
	variant := func(opt, value, folder, flag string) *experiments.Table {
		t.Helper()
		log := &exptest.Log{}
		env.Options, env.Log = map[string]string{opt: value}, log
		if err := Run(context.Background(), env); err != nil {
			t.Fatalf("%s: %v\n%s", flag, err, log)
		}
		if !strings.Contains(log.String(), "models/gat-dmp-exp-S2: reused from the cache") {
			t.Errorf("%s trained the network again:\n%s", flag, log)
		}
		tb := exptest.ReadTable(t, filepath.Join(out, folder, "table1.json"))
		if c := tb.Cell("gat", "dmp"); c == nil || !(c.Values[KeyW2] > 0) || !strings.Contains(strings.Join(tb.Notes, " "), flag) {
			t.Errorf("%s: DMP GAT cell %v; notes %q", flag, c, tb.Notes)
		}
		return tb
	}
	// --norm batch normalises with each sampling batch's statistics.
	tb := variant(OptNorm, NormBatch, "norm-batch", "--norm batch")
	// --clip data clips every step's x0 prediction to the data's box: the last step leaves
	// the sample within it but for that step's small noise (σ ≈ 0.01 here), while the
	// untrained smoke network's range-1 predictions reach far outside.
	variant(OptClip, ClipData, "clip-data", "--clip data")
	largest := func(dir string) float64 {
		return exptest.LargestNpy(t, filepath.Join(dir, "cache", "samples", "table1", "gat-dmp.npy"))
	}
	def := &exptest.Log{}
	env.Options, env.Log = nil, def
	if err := Run(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	run := exptest.ReadTable(t, filepath.Join(out, "table1.json"))
	if a, b := run.Cell("gat", "dmp"), tb.Cell("gat", "dmp"); a == nil || a.Values[KeyW2] == b.Values[KeyW2] {
		t.Errorf("running and batch statistics give the same W2 (%v, %v)", a, b)
	}
	if in, ref := largest(filepath.Join(out, "clip-data")), largest(out); !(in < 0.35) || !(ref > 0.5) {
		t.Errorf("largest |coordinate| generated: %.3f with --clip data (want < 0.35), %.3f with range 1 (want > 0.5)", in, ref)
	}
}

// smallSharedData returns the small preset, its data read from the shared copy (the test is
// skipped without it) and the reference of its test clouds for W2 alone.
func smallSharedData(t *testing.T) (Preset, *Data, *reference) {
	t.Helper()
	if _, err := os.Stat(sharedData); err != nil {
		t.Skipf("no shared ModelNet40 copy at %s", sharedData)
	}
	p, err := PresetFor(experiments.Small)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Load(context.Background(), sharedData, p, DeriveSeeds(1), nil)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := newReference(d.Test, false, 0)
	if err != nil {
		t.Fatal(err)
	}
	return p, d, ref
}

// TestBaselineClouds checks the baselines' clouds: as many as the test clouds, the origin all
// zeros, training clouds copies of distinct training clouds that depend on the seed.
func TestBaselineClouds(t *testing.T) {
	d := &Data{Test: make([][]float64, 3)}
	for i := 0; i < 5; i++ {
		d.Train = append(d.Train, []float64{float64(i), 0, 0, float64(i), 1, 1})
	}
	if o := baselineClouds(BaselineOrigin, d, 6, 1); len(o) != 3 || len(o[0]) != 6 || rmsNorm(o) != 0 {
		t.Errorf("origin clouds %v", o)
	}
	tr := baselineClouds(BaselineTraining, d, 6, 1)
	seen := map[float64]bool{}
	for _, c := range tr {
		seen[c[0]] = true
	}
	if len(tr) != 3 || len(seen) != 3 {
		t.Errorf("training clouds %v: want 3 distinct training clouds", tr)
	}
	tr[0][0] = -1
	for i, c := range d.Train {
		if c[0] != float64(i) {
			t.Errorf("training cloud %d changed through a baseline cloud: the two share memory", i)
		}
	}
	first := baselineClouds(BaselineTraining, d, 6, 1)[0][0]
	differ := false
	for s := int64(2); s < 10 && !differ; s++ {
		differ = baselineClouds(BaselineTraining, d, 6, s)[0][0] != first
	}
	if !differ {
		t.Errorf("training clouds do not depend on the seed")
	}
	if r := baselineClouds(BaselineRandom, d, 6, 1); len(r) != 3 || rmsNorm(r) == 0 {
		t.Errorf("random clouds %v", r)
	}
}

// TestW2_OriginBeatsData checks, on the shared ModelNet40 copy and the small preset's test
// clouds, what the paper's W2 rewards (docs/experiments.md, "What the paper's W2 measures"):
// clouds with every point at the origin score below real airplanes (the first training
// clouds, as many as the test clouds), and the origin's W2 is, in closed form, the test
// clouds' mean norm / n.
func TestW2_OriginBeatsData(t *testing.T) {
	p, d, ref := smallSharedData(t)
	m := len(d.Test)
	origin := make([][]float64, m)
	want := 0.0
	for i, x := range d.Test {
		origin[i] = make([]float64, len(x))
		s := 0.0
		for _, v := range x {
			s += v * v
		}
		want += 100 * math.Sqrt(s) / float64(p.Points) / float64(m)
	}
	o, _, err := score(origin, ref)
	if err != nil {
		t.Fatal(err)
	}
	airplanes, _, err := score(d.Train[:m], ref)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("W2 × 10²: origin %.3f, training airplanes %.3f", o[KeyW2], airplanes[KeyW2])
	if math.Abs(o[KeyW2]-want) > 1e-9 {
		t.Errorf("W2 of the origin %.6f, want the mean norm / n %.6f", o[KeyW2], want)
	}
	if !(o[KeyW2] < airplanes[KeyW2]) {
		t.Errorf("W2 of the origin %.3f not below the training airplanes' %.3f", o[KeyW2], airplanes[KeyW2])
	}
}

// TestW2_Spread checks, on the shared copy's small-preset test clouds, that the paper's W2 of
// clouds in arbitrary point order is, to a few per cent, a function of the clouds' spread
// alone: W2 ≈ √((s_g + s_x) / n) with s the mean squared distance of a point from the origin
// (generated g, test x) and n points per cloud (each cloud pair's point-by-point distance is
// then about √(n (s_g + s_x)), and the optimal coupling gains little). Gaussian blobs of
// several widths stand in for generated clouds.
func TestW2_Spread(t *testing.T) {
	p, d, ref := smallSharedData(t)
	sx := math.Pow(rmsNorm(d.Test), 2)
	rng := rand.New(rand.NewPCG(11, 12))
	for _, sigma := range []float64{0.02, 0.1, 0.3, 1} {
		gen := make([][]float64, len(d.Test))
		for i := range gen {
			gen[i] = make([]float64, 3*p.Points)
			for k := range gen[i] {
				gen[i][k] = sigma * rng.NormFloat64()
			}
		}
		s, _, err := score(gen, ref)
		if err != nil {
			t.Fatal(err)
		}
		want := 100 * math.Sqrt((math.Pow(rmsNorm(gen), 2)+sx)/float64(p.Points))
		t.Logf("σ %.2f: W2 %.3f, from the spread %.3f", sigma, s[KeyW2], want)
		if math.Abs(s[KeyW2]-want) > 0.05*want {
			t.Errorf("σ %.2f: W2 %.4f, want √((s_g + s_x)/n) = %.4f within 5 %%", sigma, s[KeyW2], want)
		}
	}
}
