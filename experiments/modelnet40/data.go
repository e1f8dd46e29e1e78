package modelnet40

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	mn "github.com/ncgn/ncgn/datasets/modelnet40"
)

// Seeds are the seeds of a run, all derived from the base seed: the draws of the training and
// test clouds' points, the network initialisation, the training draws (t, noise, shuffling,
// graphs), the sampling noise, and the bootstrap resamples of the test clouds.
type Seeds struct {
	Base      int64 `json:"base"`
	TrainData int64 `json:"train_data"`
	TestData  int64 `json:"test_data"`
	Init      int64 `json:"init"`
	Training  int64 `json:"training"`
	Sampling  int64 `json:"sampling"`
	Boot      int64 `json:"bootstrap"`
	// Replicate numbers the training seed (0 for the first): replicates share the data and
	// the bootstrap resamples and differ in Init, Training and Sampling (ForReplicate).
	Replicate int `json:"replicate,omitempty"`
}

// replicateStride separates the network seeds of two replicates.
const replicateStride = 1_000_003

// DeriveSeeds returns the seeds of a run with base seed base. Every network gets the same
// initialisation, training and sampling seeds, so that methods are compared on common random
// numbers.
func DeriveSeeds(base int64) Seeds {
	b := base * 1000
	return Seeds{Base: base, TrainData: b + 1, TestData: b + 2, Init: b + 10, Training: b + 11, Sampling: b + 100, Boot: b + 200}
}

// ForReplicate returns the seeds of replicate k (0 is s itself): the same data and bootstrap
// seeds, and initialisation, training and sampling seeds moved by k strides.
func (s Seeds) ForReplicate(k int) Seeds {
	d := int64(k-s.Replicate) * replicateStride
	s.Init, s.Training, s.Sampling, s.Replicate = s.Init+d, s.Training+d, s.Sampling+d, k
	return s
}

// SharedData is the point-cloud copy of ModelNet40 that CI and the project's machines hold
// beside the checkout (1024 surface samples per object).
const SharedData = "../shared/data/modelnet40-1024"

// FindData returns the ModelNet40 folder to read: dir when given, else the first of "data"
// (where `ncgn data fetch modelnet40` puts the official archive) and SharedData that holds a
// ModelNet40 layout. Without one it says how to get the data, wrapping ErrNoData.
func FindData(dir string) (string, error) {
	if dir != "" {
		if _, err := mn.List(dir, mn.Train); err != nil {
			return "", fmt.Errorf("modelnet40: --data %s: %w (%w); download the official archive with `go run . data fetch modelnet40` (into ./data) or use the point-cloud copy in %s", dir, err, ErrNoData, SharedData)
		}
		return dir, nil
	}
	for _, d := range []string{"data", SharedData} {
		if _, err := os.Stat(d); err != nil {
			continue
		}
		if _, err := mn.List(d, mn.Train); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("modelnet40: no ModelNet40 data in ./data or %s: download the official archive with `go run . data fetch modelnet40` (into ./data), or pass --data DIR (a folder of <class>/<split>/*.off or *.npy, e.g. %s): %w", SharedData, SharedData, ErrNoData)
}

// Data holds the clouds of a run.
//
// Shapes: Train [n][Points·3], Test [TestClouds][Points·3], points x, y, z in a row.
type Data struct {
	Root        string
	Source      mn.Source
	Train, Test [][]float64
	// TestClasses are the classes of the test clouds in use, in order, with their counts.
	TestClasses []string
	TestCounts  map[string]int
	// TrainClasses are the classes of the training clouds.
	TrainClasses []string
	TrainCounts  mn.Counts
	TestSkipped  mn.Counts
	Seconds      float64
}

// Load reads the training and test clouds of preset p from root.
func Load(ctx context.Context, root string, p Preset, seeds Seeds, progress func(read, expected int)) (*Data, error) {
	start := time.Now()
	train, err := mn.Load(ctx, root, mn.Config{Split: mn.Train, Points: p.Points, Classes: p.Classes, Limit: p.TrainClouds,
		Seed: uint64(seeds.TrainData)}, progress)
	if err != nil {
		return nil, fmt.Errorf("modelnet40: training clouds: %w", err)
	}
	testCfg := mn.Config{Split: mn.Test, Points: p.Points, Classes: p.Classes, MinPoints: p.Points, Seed: uint64(seeds.TestData)}
	switch p.Selection {
	case SelectReference:
		testCfg.Limit = p.TestClouds
	case SelectBalanced:
		classes := p.Classes
		if classes == nil {
			classes = train.Classes
		}
		testCfg.PerClass = max(p.TestClouds/len(classes), 1)
	}
	test, err := mn.Load(ctx, root, testCfg, progress)
	if err != nil {
		return nil, fmt.Errorf("modelnet40: test clouds: %w", err)
	}
	if p.Selection == SelectBalanced && len(test.Clouds) > p.TestClouds {
		test.Clouds, test.Labels = test.Clouds[:p.TestClouds], test.Labels[:p.TestClouds]
	}
	if len(test.Clouds) < 2 {
		return nil, fmt.Errorf("modelnet40: %d test clouds with at least %d points in %s (want at least 2): %w", len(test.Clouds), p.Points, root, ErrNoData)
	}
	if len(train.Clouds) == 0 {
		return nil, fmt.Errorf("modelnet40: no training clouds with at least %d points in %s: %w", p.Points, root, ErrNoData)
	}
	d := &Data{Root: root, Source: train.Source, Train: train.Clouds, Test: test.Clouds, TestCounts: map[string]int{},
		TrainClasses: train.Classes, TrainCounts: train.Counts, TestSkipped: test.Counts}
	for _, l := range test.Labels {
		if d.TestCounts[l] == 0 {
			d.TestClasses = append(d.TestClasses, l)
		}
		d.TestCounts[l]++
	}
	d.Seconds = time.Since(start).Seconds()
	return d, nil
}

// Description says what the data of a run are.
func (d *Data) Description(p Preset) string {
	source := "mesh vertices of the official OFF archive, as the paper and the reference use"
	switch d.Source {
	case mn.Stored:
		source = "stored surface samples (" + d.Root + "), not the mesh vertices the paper uses, so absolute W2 values are not the paper's"
	case mn.Surface:
		source = "area-weighted surface samples of the official meshes, not the mesh vertices the paper uses"
	}
	classes := "all 40 classes"
	if p.Classes != nil {
		classes = "classes " + strings.Join(p.Classes, ", ")
	}
	var test []string
	for _, c := range d.TestClasses {
		test = append(test, fmt.Sprintf("%s %d", c, d.TestCounts[c]))
	}
	missing := len(d.TrainClasses) - len(d.TestClasses)
	drop := ""
	if missing > 0 {
		var gone []string
		for _, c := range d.TrainClasses {
			if d.TestCounts[c] == 0 {
				gone = append(gone, c)
			}
		}
		drop = fmt.Sprintf("; %d training classes have no test cloud (%s)", missing, abbreviate(gone, 8))
	}
	return fmt.Sprintf("ModelNet40 (%s), %s: %d training clouds and %d test clouds of %d points, normalised per cloud (centred at the mean, largest |coordinate| = %.4g, the reference's scale); test selection %q (%s)%s",
		source, classes, len(d.Train), len(d.Test), p.Points, mn.ReferenceScale, p.Selection, strings.Join(test, ", "), drop)
}

// abbreviate joins names, keeping the first n and counting the rest.
func abbreviate(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:n], ", "), len(names)-n)
}

// ErrNoData says the ModelNet40 data are missing or hold too few clouds.
var ErrNoData = errors.New("ModelNet40 data missing")

// dataKey is the part of a cache key that fixes the data of a run: the data folder's name
// and layout, the preset's data settings and the data seeds.
type dataKey struct {
	Root      string    `json:"root"`
	Layout    mn.Layout `json:"layout"`
	Classes   []string  `json:"classes,omitempty"`
	Train     int       `json:"train_clouds"`
	Test      int       `json:"test_clouds"`
	Points    int       `json:"points"`
	Selection Selection `json:"selection"`
	TrainSeed int64     `json:"train_seed"`
	TestSeed  int64     `json:"test_seed"`
}

// newDataKey returns the data key of preset p and seeds s on the data in root (its base
// name: the same data at another place keep their cells).
func newDataKey(root string, layout mn.Layout, p Preset, s Seeds) dataKey {
	if abs, err := filepath.Abs(root); err == nil {
		root = filepath.Base(abs)
	}
	return dataKey{Root: root, Layout: layout, Classes: slices.Clone(p.Classes), Train: p.TrainClouds, Test: p.TestClouds, Points: p.Points,
		Selection: p.Selection, TrainSeed: s.TrainData, TestSeed: s.TestData}
}
