package modelnet40

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/ncgn/ncgn/datasets"
)

// Set is a loaded split: equal-size clouds with their labels and files, in listing order.
type Set struct {
	// Root is the folder that holds the class folders.
	Root   string `json:"root"`
	Layout Layout `json:"layout"`
	// Source is what the points are: Vertices or Surface (OFF layout) or Stored (.npy layout).
	Source Source `json:"source"`
	// Config is the Config used, with defaults filled in.
	Config Config `json:"config"`
	// Classes are the classes selected (all the split's classes unless Config.Classes says).
	Classes []string `json:"classes"`
	// Clouds[i] holds Config.Points points as x, y, z triples.
	Clouds [][]float64 `json:"-"`
	// Labels[i] is the class of cloud i.
	Labels []string `json:"labels"`
	// Files[i] is the file cloud i came from.
	Files  []string `json:"files"`
	Counts Counts   `json:"counts"`
	// Skipped holds, under Config.SkipBad, the error of every malformed file skipped.
	Skipped []string `json:"skipped,omitempty"`
}

// Counts says how many objects a Load considered and why it skipped some.
type Counts struct {
	// Listed is the number of objects of the selected classes in the split.
	Listed int `json:"listed"`
	// Considered is the number of them examined, in order, until the limits were reached:
	// Kept + BelowMinPoints + TooFewPoints + Degenerate + Unreadable.
	Considered int `json:"considered"`
	Kept       int `json:"kept"`
	// BelowMinPoints counts objects with fewer available points than Config.MinPoints.
	BelowMinPoints int `json:"below_min_points"`
	// TooFewPoints counts objects with fewer than Config.Points points to draw from.
	TooFewPoints int `json:"too_few_points"`
	// Degenerate counts meshes without surface area (Surface) and clouds without extent.
	Degenerate int `json:"degenerate"`
	// Unreadable counts malformed files skipped under Config.SkipBad (Set.Skipped says why).
	Unreadable int `json:"unreadable,omitempty"`
	// PerClass is the number kept per class.
	PerClass map[string]int `json:"per_class"`
}

// Array returns the clouds as one (m, Points, 3) array, ready for datasets.WriteNpy.
func (s *Set) Array() *datasets.Array {
	a := &datasets.Array{Shape: []int{len(s.Clouds), s.Config.Points, 3}, Data: make([]float64, 0, len(s.Clouds)*s.Config.Points*3)}
	for _, c := range s.Clouds {
		a.Data = append(a.Data, c...)
	}
	return a
}

// skip says why an object was not kept.
type skip int

const (
	kept skip = iota
	belowMinPoints
	tooFewPoints
	degenerate
)

// outcome is what reading one object gave.
type outcome struct {
	cloud []float64
	skip  skip
	err   error
}

// Load reads a split of a ModelNet40 folder (see List for the layouts, the package comment for
// what happens to each object). progress, if not nil, is called from Load's goroutine after each
// object read with the number read so far and the number Load expects to read (which grows if
// skipped objects must be replaced); ctx cancels a long load.
//
// Errors name the root or the file: ErrNotFound (no root, split, class or objects), ErrConfig,
// ErrLayout, and datasets.ErrFormat for a malformed file. Objects past the limits are not read.
func Load(ctx context.Context, root string, cfg Config, progress func(read, expected int)) (*Set, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	l, err := List(root, cfg.Split)
	if err != nil {
		return nil, err
	}
	objs, classes, err := selectClasses(l, cfg.Classes)
	if err != nil {
		return nil, err
	}
	s := &Set{
		Root: l.Root, Layout: l.Layout, Source: cfg.Source, Config: cfg, Classes: classes,
		Counts: Counts{Listed: len(objs), PerClass: map[string]int{}},
	}
	if l.Layout == LayoutNpy {
		s.Source = Stored
	}
	for _, c := range classes {
		s.Counts.PerClass[c] = 0
	}
	full := func(class string) bool { return cfg.PerClass > 0 && s.Counts.PerClass[class] >= cfg.PerClass }
	done := func() bool { return cfg.Limit > 0 && s.Counts.Kept >= cfg.Limit }

	read := 0
	next := 0 // the first object not yet considered
	for next < len(objs) && !done() {
		// The next window: objects of classes not yet full, as many as are still wanted plus a
		// margin for skips. Its size depends only on the data and the Config, not on workers.
		wanted := wantedCount(cfg, s.Counts, classes, len(objs)-next)
		var window []int
		for i := next; i < len(objs) && len(window) < wanted; i++ {
			if !full(objs[i].Class) {
				window = append(window, i)
			}
		}
		if len(window) == 0 {
			break
		}
		res, err := readWindow(ctx, objs, window, cfg, s.Source, func() {
			read++
			if progress != nil {
				progress(read, max(read, expectedReads(cfg, len(objs), len(classes))))
			}
		})
		if err != nil {
			return nil, err
		}
		// Consider the window in listing order; stop at the limits.
		for w, i := range window {
			if done() {
				break
			}
			o := objs[i]
			if full(o.Class) {
				continue
			}
			r := res[w]
			if r.err != nil && !(cfg.SkipBad && errors.Is(r.err, datasets.ErrFormat)) {
				return nil, r.err
			}
			s.Counts.Considered++
			if r.err != nil {
				s.Counts.Unreadable++
				s.Skipped = append(s.Skipped, r.err.Error())
				continue
			}
			switch r.skip {
			case belowMinPoints:
				s.Counts.BelowMinPoints++
			case tooFewPoints:
				s.Counts.TooFewPoints++
			case degenerate:
				s.Counts.Degenerate++
			default:
				s.Counts.Kept++
				s.Counts.PerClass[o.Class]++
				s.Clouds = append(s.Clouds, r.cloud)
				s.Labels = append(s.Labels, o.Class)
				s.Files = append(s.Files, o.Path)
			}
		}
		next = window[len(window)-1] + 1
	}
	if s.Counts.Kept == 0 {
		return nil, fmt.Errorf("modelnet40: split %s under %s: no object passed the filters (%d listed, %d below %d points, %d with fewer than %d points, %d degenerate): %w",
			cfg.Split, l.Root, s.Counts.Listed, s.Counts.BelowMinPoints, cfg.MinPoints, s.Counts.TooFewPoints, cfg.Points, s.Counts.Degenerate, ErrNotFound)
	}
	return s, nil
}

// selectClasses keeps the objects of the wanted classes (all if wanted is nil).
func selectClasses(l *Listing, wanted []string) ([]Object, []string, error) {
	if wanted == nil {
		return l.Objects, l.Classes, nil
	}
	for _, c := range wanted {
		if _, ok := slices.BinarySearch(l.Classes, c); !ok {
			return nil, nil, fmt.Errorf("modelnet40: class %q has no %s folder under %s (classes: %s): %w",
				c, l.Split, l.Root, strings.Join(l.Classes, ", "), ErrNotFound)
		}
	}
	var objs []Object
	for _, o := range l.Objects {
		if _, ok := slices.BinarySearch(wanted, o.Class); ok {
			objs = append(objs, o)
		}
	}
	return objs, wanted, nil
}

// wantedCount is the size of the next window: the objects still wanted under the limits, plus
// an eighth and 8 for skips, at most the objects left.
func wantedCount(cfg Config, c Counts, classes []string, left int) int {
	want := left
	if cfg.PerClass > 0 {
		w := 0
		for _, k := range classes {
			w += max(cfg.PerClass-c.PerClass[k], 0)
		}
		want = min(want, w)
	}
	if cfg.Limit > 0 {
		want = min(want, cfg.Limit-c.Kept)
	}
	return min(left, want+want/8+8)
}

// expectedReads is about the number of objects a Load reads if nothing is skipped (exact
// unless PerClass exceeds a class's objects).
func expectedReads(cfg Config, listed, classes int) int {
	n := listed
	if cfg.PerClass > 0 {
		n = min(n, cfg.PerClass*classes)
	}
	if cfg.Limit > 0 {
		n = min(n, cfg.Limit)
	}
	return n
}

// readWindow reads the objects objs[window[w]] with cfg.Workers goroutines; slot w of the result
// belongs to window[w]. tick is called from this goroutine once per object read.
func readWindow(ctx context.Context, objs []Object, window []int, cfg Config, src Source, tick func()) ([]outcome, error) {
	res := make([]outcome, len(window))
	jobs := make(chan int)
	finished := make(chan struct{}, len(window))
	var wg sync.WaitGroup
	for g := 0; g < min(cfg.Workers, len(window)); g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for w := range jobs {
				if ctx.Err() == nil {
					res[w] = readObject(objs[window[w]], cfg, src)
				}
				finished <- struct{}{}
			}
		}()
	}
	go func() {
		for w := range window {
			jobs <- w
		}
		close(jobs)
	}()
	for range window {
		<-finished
		if ctx.Err() == nil {
			tick()
		}
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("modelnet40: loading stopped: %w", err)
	}
	return res, nil
}

// readObject reads one object and makes its cloud.
func readObject(o Object, cfg Config, src Source) outcome {
	rng := ObjectRand(cfg.Seed, o.Index)
	var (
		pts   []float64 // the points to draw from (Vertices, Stored)
		mesh  *datasets.Mesh
		avail int
	)
	if src == Stored {
		a, err := datasets.ReadNpy(o.Path)
		if err != nil {
			return outcome{err: fmt.Errorf("modelnet40: %w", err)}
		}
		if len(a.Shape) != 2 || a.Shape[1] != 3 || a.Shape[0] < 1 {
			return outcome{err: fmt.Errorf("modelnet40: %s: shape %v, want (points, 3): %w", o.Path, a.Shape, datasets.ErrFormat)}
		}
		pts, avail = a.Data, a.Shape[0]
	} else {
		m, err := datasets.ReadOFF(o.Path)
		if err != nil {
			return outcome{err: fmt.Errorf("modelnet40: %w", err)}
		}
		mesh, pts, avail = m, m.Vertices, m.NumVertices()
	}
	if avail < cfg.MinPoints {
		return outcome{skip: belowMinPoints}
	}
	var cloud []float64
	if src == Surface {
		c, err := mesh.SampleSurface(cfg.Points, rng)
		if errors.Is(err, datasets.ErrNoSurface) {
			return outcome{skip: degenerate}
		}
		if err != nil {
			return outcome{err: fmt.Errorf("modelnet40: %s: %w", o.Path, err)}
		}
		cloud = c
	} else {
		if avail < cfg.Points {
			return outcome{skip: tooFewPoints}
		}
		c, err := Subset(pts, 3, cfg.Points, rng)
		if err != nil {
			return outcome{err: fmt.Errorf("modelnet40: %s: %w", o.Path, err)}
		}
		cloud = c
	}
	if !cfg.Raw {
		if err := Normalise(cloud, 3, cfg.Scale); errors.Is(err, ErrDegenerate) {
			return outcome{skip: degenerate}
		} else if err != nil {
			return outcome{err: fmt.Errorf("modelnet40: %s: %w", o.Path, err)}
		}
	}
	return outcome{cloud: cloud}
}
