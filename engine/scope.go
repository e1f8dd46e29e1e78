package engine

import (
	"fmt"
	"math"
	"sort"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Scope is one step's computation: a fresh gorgonia ExprGraph into which the persistent
// parameters are bound on first use. Layers build their expressions in a Scope; Run computes
// them with the package's executor (and, in training, the gradients of the loss, copied into
// Param.Grad), runs the hooks layers registered (BatchNorm's running statistics), and gives the
// step's buffers back to the pool so that memory stays flat across steps.
type Scope struct {
	G     *gorgonia.ExprGraph
	Train bool
	// Unfused makes an evaluation scope build the same separate ops as training (with the
	// running statistics) instead of the fused evaluation ops (op_dense_eval.go): for tests
	// and diagnostics; the results agree to rounding.
	Unfused bool
	// BatchStats makes an evaluation scope's batch normalisations use the statistics of the
	// batch, as in training, instead of the running estimates (which it leaves as they are):
	// a named option of sampling (generative.SampleConfig.BatchStats). It implies Unfused.
	BatchStats bool

	ps    *Params
	bound map[*Param]*gorgonia.Node
	after []func() error
	ar    *Arena // the buffers of the ops' values, given back to the pool when Run ends
}

// NewScope starts a fresh graph over ps; train selects batch statistics and gradients.
func NewScope(ps *Params, train bool) *Scope {
	g := gorgonia.NewGraph()
	return &Scope{G: g, Train: train, ps: ps, bound: map[*Param]*gorgonia.Node{}, ar: newArena(g)}
}

// FusedEval reports whether layers build the fused evaluation ops: an evaluation scope that
// is neither Unfused nor BatchStats.
func (s *Scope) FusedEval() bool { return !s.Train && !s.Unfused && !s.BatchStats }

// Params is the parameter store the scope binds.
func (s *Scope) Params() *Params { return s.ps }

// Dtype is the element type of every tensor in the scope.
func (s *Scope) Dtype() tensor.Dtype { return s.ps.dtype }

// Param returns the node bound to p in this scope, binding it on first use. The node holds
// p's value itself, not a copy: the executor never writes an op's input (executor.go).
func (s *Scope) Param(p *Param) *gorgonia.Node {
	if n, ok := s.bound[p]; ok {
		return n
	}
	n := gorgonia.NewTensor(s.G, s.ps.dtype, p.Value.Dims(), gorgonia.WithShape(p.Value.Shape()...), gorgonia.WithValue(p.Value), gorgonia.WithName(p.Name))
	s.bound[p] = n
	return n
}

// Input returns a constant input node of the given shape holding data (converted to the
// scope's dtype). gradients are not taken with respect to inputs.
func (s *Scope) Input(name string, data []float64, shape ...int) (*gorgonia.Node, error) {
	size := 1
	for _, d := range shape {
		size *= d
	}
	if size != len(data) {
		return nil, fmt.Errorf("engine: input %q: %d Values for shape %v: %w", name, len(data), shape, ErrShape)
	}
	return s.InputTensor(name, s.ps.dense(shape, data)), nil
}

// InputTensor returns an input node holding t, which must have the scope's dtype. The graph
// reads t while Run computes; it never writes it.
func (s *Scope) InputTensor(name string, t *tensor.Dense) *gorgonia.Node {
	return gorgonia.NewTensor(s.G, t.Dtype(), t.Dims(), gorgonia.WithShape(t.Shape()...), gorgonia.WithValue(t), gorgonia.WithName(name))
}

// AfterRun registers f to run after the graph has been computed (in registration order).
func (s *Scope) AfterRun(f func() error) { s.after = append(s.after, f) }

// Result is what Run computed. It owns its memory: nothing in it is a value of the graph.
type Result struct {
	Loss   float64         // the value of the loss node, if one was given
	Values []*tensor.Dense // copies of the fetched nodes' values, in order
}

// Run computes the graph with the package's executor (executor.go). With a scalar loss and
// Train set, the gradients of the loss with respect to every bound learnable parameter are
// computed and copied into Param.Grad (the gradients of learnables that were not bound are
// zeroed). The fetched nodes' values are copied into the Result. A non-finite loss is an error
// naming it. When Run returns, the memory of the graph's values goes back to the pool for the
// next Scope (arena.go): read values through Result, never through the nodes.
func (s *Scope) Run(loss *gorgonia.Node, fetch ...*gorgonia.Node) (*Result, error) {
	defer s.ar.release() // on every return: the values below are copied out first
	var wrt []*Param
	var grads gorgonia.Nodes
	if s.Train && loss != nil {
		for p := range s.bound {
			if p.Learnable {
				wrt = append(wrt, p)
			}
		}
		sort.Slice(wrt, func(i, j int) bool { return wrt[i].index < wrt[j].index })
		nodes := make(gorgonia.Nodes, len(wrt))
		for i, p := range wrt {
			nodes[i] = s.bound[p]
		}
		var err error
		if grads, err = Gradients(loss, nodes, s.ps.dtype); err != nil {
			return nil, err
		}
	}
	vals, err := Execute(s.G)
	if err != nil {
		return nil, err
	}
	res := &Result{Values: make([]*tensor.Dense, len(fetch))}
	for i, n := range fetch {
		d, err := DenseOf(vals[n])
		if err != nil {
			return nil, fmt.Errorf("engine: fetched node %q: %w", n.Name(), err)
		}
		res.Values[i] = d.Clone().(*tensor.Dense) // the arena takes the buffer back
	}
	if loss != nil {
		lv := ToFloat64s(LossTensor(vals[loss]))
		if len(lv) != 1 {
			return nil, fmt.Errorf("engine: loss is not a scalar: %w", ErrShape)
		}
		res.Loss = lv[0]
		if math.IsNaN(res.Loss) || math.IsInf(res.Loss, 0) {
			return res, fmt.Errorf("engine: loss is %v", res.Loss)
		}
	}
	if s.Train && loss != nil {
		for _, p := range s.ps.list {
			if p.Learnable {
				zero(p.Grad)
			}
		}
		for i, p := range wrt {
			gv, err := DenseOf(vals[grads[i]])
			if err != nil {
				return nil, fmt.Errorf("engine: gradient of %q: %w", p.Name, err)
			}
			if err := copyInto(p.Grad, gv); err != nil {
				return nil, fmt.Errorf("engine: gradient of %q: %w", p.Name, err)
			}
		}
	}
	for _, f := range s.after {
		if err := f(); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// LossTensor turns a scalar gorgonia value (a loss) into a one-element dense tensor.
func LossTensor(v gorgonia.Value) *tensor.Dense {
	switch x := v.(type) {
	case *tensor.Dense:
		return x
	case *gorgonia.F64:
		return tensor.New(tensor.WithShape(1), tensor.WithBacking([]float64{float64(*x)}))
	case *gorgonia.F32:
		return tensor.New(tensor.WithShape(1), tensor.WithBacking([]float32{float32(*x)}))
	}
	return tensor.New(tensor.WithShape(1), tensor.WithBacking([]float64{math.NaN()}))
}

func zero(t *tensor.Dense) {
	switch d := t.Data().(type) {
	case []float32:
		clear(d)
	case []float64:
		clear(d)
	}
}

// copyInto copies src into dst; both must have the same size and dtype.
func copyInto(dst, src *tensor.Dense) error {
	if dst.Shape().TotalSize() != src.Shape().TotalSize() || dst.Dtype() != src.Dtype() {
		return fmt.Errorf("%v %v into %v %v: %w", src.Shape(), src.Dtype(), dst.Shape(), dst.Dtype(), ErrShape)
	}
	switch d := dst.Data().(type) {
	case []float32:
		copy(d, src.Data().([]float32))
	case []float64:
		copy(d, src.Data().([]float64))
	}
	return nil
}
