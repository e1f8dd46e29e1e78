package modelnet40

import (
	"fmt"
	"math"
	"runtime"
	"slices"
)

// ReferenceScale is the reference implementation's scale, 0.5·0.49999999 (PyG's NormalizeScale
// followed by its "NormalizeFurther"): normalised points lie in [−0.25, 0.25].
const ReferenceScale = 0.5 * 0.49999999

// DefaultPoints is the number of points per cloud of the paper and the reference.
const DefaultPoints = 400

// Split names.
const (
	Train = "train"
	Test  = "test"
)

// Source says where the points of a cloud come from.
type Source string

const (
	// Vertices draws mesh vertices without replacement (the reference).
	Vertices Source = "vertices"
	// Surface samples the mesh surface, area-weighted and uniform within each triangle.
	Surface Source = "surface"
	// Stored draws from the points stored in a point-cloud (.npy) folder; it is not a choice
	// but what a Set from that layout reports.
	Stored Source = "stored"
)

// Config selects and shapes the clouds that Load returns. Zero values of optional fields are
// the defaults; WithDefaults fills them in, and the filled Config is what Set.Config records.
type Config struct {
	// Split is "train" or "test".
	Split string `json:"split"`
	// Points is the number of points of every cloud (default 400).
	Points int `json:"points"`
	// Source is Vertices (default) or Surface for the OFF layout; the .npy layout ignores it
	// (its points are Stored surface samples).
	Source Source `json:"source"`
	// Classes keeps only these classes (nil: all). Names must exist in the split.
	Classes []string `json:"classes,omitempty"`
	// Limit is the most objects kept in all (0: no limit): the first Limit that pass the filters.
	Limit int `json:"limit,omitempty"`
	// PerClass is the most objects kept per class (0: no limit).
	PerClass int `json:"per_class,omitempty"`
	// MinPoints skips objects with fewer available points (mesh vertices, stored points).
	// Objects with fewer than Points available points are skipped anyway unless Source is Surface.
	MinPoints int `json:"min_points,omitempty"`
	// Scale is the largest absolute coordinate of a normalised cloud (default ReferenceScale).
	Scale float64 `json:"scale"`
	// Raw skips the normalisation: clouds keep the file's coordinates.
	Raw bool `json:"raw,omitempty"`
	// SkipBad skips malformed files (counted in Counts.Unreadable, listed in Set.Skipped)
	// instead of failing the whole load; the default is strict.
	SkipBad bool `json:"skip_bad,omitempty"`
	// Seed fixes every random draw.
	Seed uint64 `json:"seed"`
	// Workers is the number of goroutines reading objects (0: GOMAXPROCS). Results do not depend
	// on it.
	Workers int `json:"-"`
}

// WithDefaults returns c with its zero optional fields set to the defaults.
func (c Config) WithDefaults() Config {
	if c.Points == 0 {
		c.Points = DefaultPoints
	}
	if c.Source == "" {
		c.Source = Vertices
	}
	if c.Scale == 0 {
		c.Scale = ReferenceScale
	}
	if c.Workers == 0 {
		c.Workers = runtime.GOMAXPROCS(0)
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
		return fmt.Errorf("modelnet40: %s: %w", fmt.Sprintf(format, a...), ErrConfig)
	}
	switch {
	case c.Split != Train && c.Split != Test:
		return bad("split %q: want %q or %q", c.Split, Train, Test)
	case c.Points < 1:
		return bad("points %d: want at least 1", c.Points)
	case c.Source != Vertices && c.Source != Surface:
		return bad("source %q: want %q or %q", c.Source, Vertices, Surface)
	case c.Limit < 0:
		return bad("limit %d: want >= 0 (0: no limit)", c.Limit)
	case c.PerClass < 0:
		return bad("per-class limit %d: want >= 0 (0: no limit)", c.PerClass)
	case c.MinPoints < 0:
		return bad("min points %d: want >= 0", c.MinPoints)
	case !(c.Scale > 0) || math.IsInf(c.Scale, 0):
		return bad("scale %v: want a finite number > 0", c.Scale)
	case c.Workers < 1:
		return bad("workers %d: want >= 1 (0 means GOMAXPROCS)", c.Workers)
	}
	for _, k := range c.Classes {
		if k == "" {
			return bad("classes %q: empty class name", c.Classes)
		}
	}
	return nil
}
