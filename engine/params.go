package engine

import (
	"errors"
	"fmt"
	"math"
	"math/rand"

	"gorgonia.org/tensor"
)

// ErrShape reports a tensor or index of the wrong shape or length.
var ErrShape = errors.New("wrong shape")

// ErrConfig reports an invalid layer or parameter configuration.
var ErrConfig = errors.New("invalid configuration")

// Init says how a new parameter is initialised.
type Init struct {
	// Kind is one of "uniform" (in [-Bound, Bound]), "zeros", "ones" or "const" (every entry Value).
	Kind  string
	Bound float64
	Value float64
}

// Uniform is the initialisation U(-bound, bound); PyTorch's Linear uses bound = 1/sqrt(fan_in)
// for weight and bias.
func Uniform(bound float64) Init { return Init{Kind: "uniform", Bound: bound} }

// Zeros initialises every entry to 0.
func Zeros() Init { return Init{Kind: "zeros"} }

// Ones initialises every entry to 1.
func Ones() Init { return Init{Kind: "ones"} }

// Param is one persistent named tensor. Learnable parameters receive a gradient every training
// step (Grad, same shape as Value); buffers (BatchNorm running statistics) are updated in plain Go
// and saved with the parameters.
type Param struct {
	Name      string
	Value     *tensor.Dense
	Grad      *tensor.Dense
	Learnable bool
	index     int
}

// Index is the position of p in its Params; it is stable and orders solver state.
func (p *Param) Index() int { return p.index }

// Params is a store of named, persistent tensors in one dtype (float32 for training, float64 for
// gradient checks), created in a deterministic order with a deterministic initialisation from a
// seed. Layers create their parameters once; every step binds them into a fresh graph (Scope).
type Params struct {
	dtype  tensor.Dtype
	rng    *rand.Rand
	list   []*Param
	byName map[string]*Param
}

// NewParams returns an empty store of the given dtype (tensor.Float32 or tensor.Float64) whose
// initialisations draw from a generator seeded with seed.
func NewParams(dt tensor.Dtype, seed int64) (*Params, error) {
	if dt != tensor.Float32 && dt != tensor.Float64 {
		return nil, fmt.Errorf("engine: Params dtype %v: %w (want float32 or float64)", dt, ErrConfig)
	}
	return &Params{dtype: dt, rng: rand.New(rand.NewSource(seed)), byName: map[string]*Param{}}, nil
}

// Dtype is the element type of every tensor in the store.
func (ps *Params) Dtype() tensor.Dtype { return ps.dtype }

// All returns every parameter and buffer in creation order.
func (ps *Params) All() []*Param { return ps.list }

// Learnables returns the learnable parameters in creation order.
func (ps *Params) Learnables() []*Param {
	var out []*Param
	for _, p := range ps.list {
		if p.Learnable {
			out = append(out, p)
		}
	}
	return out
}

// Get returns the parameter called name, or nil.
func (ps *Params) Get(name string) *Param { return ps.byName[name] }

// Count returns the number of learnable scalars.
func (ps *Params) Count() int {
	n := 0
	for _, p := range ps.list {
		if p.Learnable {
			n += p.Value.Shape().TotalSize()
		}
	}
	return n
}

// Add creates a learnable parameter of the given shape, initialised by init. Names are unique.
func (ps *Params) Add(name string, shape []int, init Init) (*Param, error) {
	return ps.add(name, shape, init, true)
}

// AddBuffer creates a non-learnable tensor (running statistics) saved with the parameters.
func (ps *Params) AddBuffer(name string, shape []int, init Init) (*Param, error) {
	return ps.add(name, shape, init, false)
}

func (ps *Params) add(name string, shape []int, init Init, learnable bool) (*Param, error) {
	if name == "" {
		return nil, fmt.Errorf("engine: parameter with empty name: %w", ErrConfig)
	}
	if _, dup := ps.byName[name]; dup {
		return nil, fmt.Errorf("engine: parameter %q defined twice: %w", name, ErrConfig)
	}
	size := 1
	for _, d := range shape {
		if d < 1 {
			return nil, fmt.Errorf("engine: parameter %q shape %v: %w", name, shape, ErrShape)
		}
		size *= d
	}
	if len(shape) == 0 {
		return nil, fmt.Errorf("engine: parameter %q has no shape: %w", name, ErrShape)
	}
	vals := make([]float64, size)
	switch init.Kind {
	case "uniform":
		if !(init.Bound >= 0) || math.IsInf(init.Bound, 0) {
			return nil, fmt.Errorf("engine: parameter %q uniform bound %v: %w", name, init.Bound, ErrConfig)
		}
		for i := range vals {
			vals[i] = (2*ps.rng.Float64() - 1) * init.Bound
		}
	case "zeros", "":
	case "ones":
		for i := range vals {
			vals[i] = 1
		}
	case "const":
		for i := range vals {
			vals[i] = init.Value
		}
	default:
		return nil, fmt.Errorf("engine: parameter %q init %q: %w", name, init.Kind, ErrConfig)
	}
	p := &Param{Name: name, Learnable: learnable, index: len(ps.list)}
	p.Value = ps.dense(shape, vals)
	if learnable {
		p.Grad = tensor.New(tensor.Of(ps.dtype), tensor.WithShape(shape...))
	}
	ps.list = append(ps.list, p)
	ps.byName[name] = p
	return p, nil
}

// dense returns a tensor of the store's dtype holding a copy of vals.
func (ps *Params) dense(shape []int, vals []float64) *tensor.Dense {
	if ps.dtype == tensor.Float64 {
		return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(append([]float64(nil), vals...)))
	}
	f := make([]float32, len(vals))
	for i, v := range vals {
		f[i] = float32(v)
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(f))
}

// Float64s returns a copy of the values of p as float64.
func (p *Param) Float64s() []float64 { return ToFloat64s(p.Value) }

// SetFloat64s overwrites the values of p; len(v) must equal its size.
func (p *Param) SetFloat64s(v []float64) error {
	if len(v) != p.Value.Shape().TotalSize() {
		return fmt.Errorf("engine: parameter %q: %d Values for shape %v: %w", p.Name, len(v), p.Value.Shape(), ErrShape)
	}
	switch d := p.Value.Data().(type) {
	case []float32:
		for i := range d {
			d[i] = float32(v[i])
		}
	case []float64:
		copy(d, v)
	}
	return nil
}

// ToFloat64s copies a float32 or float64 tensor's data into a new []float64.
func ToFloat64s(t *tensor.Dense) []float64 {
	switch d := t.Data().(type) {
	case []float32:
		out := make([]float64, len(d))
		for i, v := range d {
			out[i] = float64(v)
		}
		return out
	case []float64:
		return append([]float64(nil), d...)
	case float32:
		return []float64{float64(d)}
	case float64:
		return []float64{d}
	}
	return nil
}
