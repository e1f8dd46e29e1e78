package geometricshapes

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/ncgn/ncgn/datasets"
	"github.com/ncgn/ncgn/datasets/modelnet40"
)

// DefaultPoints is the default number of points per cloud (as for ModelNet40).
const DefaultPoints = 400

// Config selects and shapes the clouds that Sample returns. Zero values of optional fields are
// the defaults; the filled Config is what Set.Config records.
type Config struct {
	// Split is "train" or "test" (the meshes are the same; the draws differ).
	Split string `json:"split"`
	// Points is the number of points of every cloud (default 400).
	Points int `json:"points"`
	// Source is modelnet40.Surface (default) or modelnet40.Vertices.
	Source modelnet40.Source `json:"source"`
	// PerClass is the number of clouds drawn from each shape (default 1).
	PerClass int `json:"per_class"`
	// Classes keeps only these classes (nil: all). Names must exist in the archive.
	Classes []string `json:"classes,omitempty"`
	// Scale is the largest absolute coordinate of a normalised cloud (default
	// modelnet40.ReferenceScale).
	Scale float64 `json:"scale"`
	// Raw skips the normalisation.
	Raw bool `json:"raw,omitempty"`
	// Seed fixes every random draw.
	Seed uint64 `json:"seed"`
}

// WithDefaults returns c with its zero optional fields set to the defaults.
func (c Config) WithDefaults() Config {
	if c.Points == 0 {
		c.Points = DefaultPoints
	}
	if c.Source == "" {
		c.Source = modelnet40.Surface
	}
	if c.PerClass == 0 {
		c.PerClass = 1
	}
	if c.Scale == 0 {
		c.Scale = modelnet40.ReferenceScale
	}
	if c.Classes != nil {
		c.Classes = slices.Clone(c.Classes)
		slices.Sort(c.Classes)
		c.Classes = slices.Compact(c.Classes)
	}
	return c
}

// Validate checks a Config after WithDefaults; errors name the field and wrap ErrConfig.
func (c Config) Validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("geometricshapes: %s: %w", fmt.Sprintf(format, a...), ErrConfig)
	}
	switch {
	case c.Split != Train && c.Split != Test:
		return bad("split %q: want %q or %q", c.Split, Train, Test)
	case c.Points < 1:
		return bad("points %d: want at least 1", c.Points)
	case c.Source != modelnet40.Surface && c.Source != modelnet40.Vertices:
		return bad("source %q: want %q or %q", c.Source, modelnet40.Surface, modelnet40.Vertices)
	case c.PerClass < 1:
		return bad("clouds per class %d: want at least 1", c.PerClass)
	case !(c.Scale > 0) || math.IsInf(c.Scale, 0):
		return bad("scale %v: want a finite number > 0", c.Scale)
	}
	return nil
}

// Set is the clouds drawn from the shapes of one split, in class order, PerClass per shape.
type Set struct {
	Config  Config   `json:"config"`
	Classes []string `json:"classes"`
	// Clouds[i] holds Config.Points points as x, y, z triples.
	Clouds [][]float64 `json:"-"`
	Labels []string    `json:"labels"`
	// Entries[i] is the archive entry cloud i was drawn from.
	Entries []string `json:"entries"`
	Counts  Counts   `json:"counts"`
}

// Counts says how many shapes were used and why some were skipped.
type Counts struct {
	// Shapes is the number of meshes of the selected classes in the split.
	Shapes int `json:"shapes"`
	// Kept is the number of clouds returned (PerClass per shape used).
	Kept int `json:"kept"`
	// TooFewPoints counts shapes skipped with fewer than Points vertices (Vertices source).
	TooFewPoints int `json:"too_few_points"`
	// Degenerate counts shapes skipped without surface area or extent.
	Degenerate int `json:"degenerate"`
	// Skipped lists the classes skipped.
	Skipped []string `json:"skipped,omitempty"`
}

// Array returns the clouds as one (m, Points, 3) array, ready for datasets.WriteNpy.
func (s *Set) Array() *datasets.Array {
	a := &datasets.Array{Shape: []int{len(s.Clouds), s.Config.Points, 3}, Data: make([]float64, 0, len(s.Clouds)*s.Config.Points*3)}
	for _, c := range s.Clouds {
		a.Data = append(a.Data, c...)
	}
	return a
}

// Load reads the archive (see ReadZip) and samples clouds from it (see Sample).
func Load(zipPath string, cfg Config, skipChecksum bool) (*Set, error) {
	shapes, err := ReadZip(zipPath, skipChecksum)
	if err != nil {
		return nil, err
	}
	return Sample(shapes, cfg)
}

// Sample draws Config.PerClass clouds from each shape of the split (see the package comment).
// Shapes whose clouds cannot be made (too few vertices, no surface) are skipped and counted; if
// nothing is left the error wraps ErrNotFound.
func Sample(shapes []Shape, cfg Config) (*Set, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	all := Classes(shapes)
	classes := all
	if cfg.Classes != nil {
		for _, c := range cfg.Classes {
			if _, ok := slices.BinarySearch(all, c); !ok {
				return nil, fmt.Errorf("geometricshapes: class %q is not in the archive (classes: %s): %w", c, strings.Join(all, ", "), ErrNotFound)
			}
		}
		classes = cfg.Classes
	}
	s := &Set{Config: cfg, Classes: classes}
	for _, sh := range shapes {
		if sh.Split != cfg.Split {
			continue
		}
		if _, ok := slices.BinarySearch(classes, sh.Class); !ok {
			continue
		}
		s.Counts.Shapes++
		idx, _ := slices.BinarySearch(all, sh.Class)
		clouds, skip, err := shapeClouds(sh, idx, cfg)
		if err != nil {
			return nil, err
		}
		switch skip {
		case skipTooFew:
			s.Counts.TooFewPoints++
		case skipDegenerate:
			s.Counts.Degenerate++
		}
		if skip != kept {
			s.Counts.Skipped = append(s.Counts.Skipped, sh.Class)
			continue
		}
		for _, c := range clouds {
			s.Clouds = append(s.Clouds, c)
			s.Labels = append(s.Labels, sh.Class)
			s.Entries = append(s.Entries, sh.Entry)
		}
	}
	s.Counts.Kept = len(s.Clouds)
	if s.Counts.Shapes == 0 {
		return nil, fmt.Errorf("geometricshapes: no %s meshes of the selected classes: %w", cfg.Split, ErrNotFound)
	}
	if s.Counts.Kept == 0 {
		return nil, fmt.Errorf("geometricshapes: no %s shape gives a cloud (%d shapes, %d with fewer than %d vertices, %d degenerate): %w",
			cfg.Split, s.Counts.Shapes, s.Counts.TooFewPoints, cfg.Points, s.Counts.Degenerate, ErrNotFound)
	}
	return s, nil
}

type skip int

const (
	kept skip = iota
	skipTooFew
	skipDegenerate
)

// shapeClouds draws the PerClass clouds of one shape (class index idx).
func shapeClouds(sh Shape, idx int, cfg Config) ([][]float64, skip, error) {
	m := sh.Mesh
	if cfg.Source == modelnet40.Vertices && m.NumVertices() < cfg.Points {
		return nil, skipTooFew, nil
	}
	clouds := make([][]float64, 0, cfg.PerClass)
	for c := 0; c < cfg.PerClass; c++ {
		rng := CloudRand(cfg.Seed, cfg.Split, idx, c)
		var (
			cloud []float64
			err   error
		)
		if cfg.Source == modelnet40.Surface {
			cloud, err = m.SampleSurface(cfg.Points, rng)
		} else {
			cloud, err = modelnet40.Subset(m.Vertices, 3, cfg.Points, rng)
		}
		if errors.Is(err, datasets.ErrNoSurface) {
			return nil, skipDegenerate, nil
		}
		if err != nil {
			return nil, 0, fmt.Errorf("geometricshapes: %s: %w", sh.Entry, err)
		}
		if !cfg.Raw {
			if err := modelnet40.Normalise(cloud, 3, cfg.Scale); errors.Is(err, modelnet40.ErrDegenerate) {
				return nil, skipDegenerate, nil
			} else if err != nil {
				return nil, 0, fmt.Errorf("geometricshapes: %s: %w", sh.Entry, err)
			}
		}
		clouds = append(clouds, cloud)
	}
	return clouds, kept, nil
}
