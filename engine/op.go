package engine

import (
	"fmt"
	"hash"
	"hash/fnv"
	"sync/atomic"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// opSerial numbers every custom op instance. Ops carry per-step data (index lists, batch
// statistics) that is not worth hashing, so the serial goes into WriteHash instead: gorgonia
// de-duplicates nodes with equal hashes and equal children, and two distinct instances must
// never be merged.
var opSerial atomic.Uint64

// OpBase implements the parts of gorgonia.Op that every custom op here shares.
type OpBase struct {
	name   string
	serial uint64
	arity  int
	// inDims are the ranks of the inputs and outDims the rank of the output, used for Type.
	inDims  []int
	outDims int
	// ar is the arena of the Scope whose graph the op belongs to (nil outside a Scope): the
	// op's output buffers come from it (arena.go).
	ar *Arena
}

// Arena returns the arena of the Scope whose graph the op belongs to (nil outside a Scope):
// take the op's output buffers from it (NewLike, NewUninit, alloc).
func (o *OpBase) Arena() *Arena { return o.ar }

// base gives ApplyOp access to the embedded OpBase.
func (o *OpBase) base() *OpBase { return o }

// ApplyOp applies op to the input nodes like gorgonia.ApplyOp, after binding op to the arena
// of the inputs' graph.
func ApplyOp(op gorgonia.Op, children ...*gorgonia.Node) (*gorgonia.Node, error) {
	if b, ok := op.(interface{ base() *OpBase }); ok && len(children) > 0 {
		b.base().ar = ArenaOf(children[0].Graph())
	}
	return gorgonia.ApplyOp(op, children...)
}

func NewOpBase(name string, outDims int, inDims ...int) OpBase {
	return OpBase{name: name, serial: opSerial.Add(1), arity: len(inDims), inDims: inDims, outDims: outDims}
}

func (o *OpBase) Arity() int { return o.arity }

func (o *OpBase) Type() hm.Type {
	a := hm.TypeVariable('a')
	ts := make(hm.Types, 0, o.arity+1)
	for _, d := range o.inDims {
		ts = append(ts, tensorType(d, a))
	}
	ts = append(ts, tensorType(o.outDims, a))
	return hm.NewFnType(ts...)
}

func tensorType(dims int, a hm.TypeVariable) hm.Type {
	if dims == 0 {
		return a
	}
	return gorgonia.TensorType{Dims: dims, Of: a}
}

func (o *OpBase) ReturnsPtr() bool     { return false }
func (o *OpBase) CallsExtern() bool    { return false }
func (o *OpBase) OverwritesInput() int { return -1 }
func (o *OpBase) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "%s#%d", o.name, o.serial)
}
func (o *OpBase) Hashcode() uint32 {
	h := fnv.New32a()
	o.WriteHash(h)
	return h.Sum32()
}
func (o *OpBase) String() string { return o.name }

// AllInputs is DiffWRT for an op differentiable in each of its n inputs.
func AllInputs(n int) []bool {
	d := make([]bool, n)
	for i := range d {
		d[i] = true
	}
	return d
}

// ShapeOf returns the shape of a DimSizer as a tensor.Shape.
func ShapeOf(d gorgonia.DimSizer) (tensor.Shape, error) {
	if s, ok := d.(tensor.Shape); ok {
		return s, nil
	}
	return nil, fmt.Errorf("engine: cannot read the shape of %T: %w", d, ErrShape)
}

// DenseOf returns the *tensor.Dense behind a gorgonia value.
func DenseOf(v gorgonia.Value) (*tensor.Dense, error) {
	d, ok := v.(*tensor.Dense)
	if !ok {
		return nil, fmt.Errorf("engine: expected a dense tensor, got %T: %w", v, ErrShape)
	}
	return d, nil
}

// DenseInputs returns the dense tensors behind an op's inputs.
func DenseInputs(in []gorgonia.Value) ([]*tensor.Dense, error) {
	ts := make([]*tensor.Dense, len(in))
	for i, v := range in {
		d, err := DenseOf(v)
		if err != nil {
			return nil, err
		}
		ts[i] = d
	}
	return ts, nil
}

// NewLike returns a zeroed dense tensor of the same dtype as like with the given shape, from
// the op's arena.
func (o *OpBase) NewLike(like *tensor.Dense, shape ...int) *tensor.Dense {
	return o.ar.dense(like.Dtype(), true, shape...)
}

// NewUninit is NewLike without the zeroing: the caller writes every element.
func (o *OpBase) NewUninit(like *tensor.Dense, shape ...int) *tensor.Dense {
	return o.ar.dense(like.Dtype(), false, shape...)
}

// float is the element type of every kernel.
type Float interface{ ~float32 | ~float64 }

// IsFloat32 reports whether the kernel's element type is float32.
func IsFloat32[T Float]() bool {
	var z T
	_, ok := any(z).(float32)
	return ok
}

// ScalarOf returns the single number a scalar value holds (a dense tensor of one element or a
// gorgonia scalar).
func ScalarOf(v gorgonia.Value) (float64, error) {
	switch x := v.(type) {
	case *gorgonia.F32:
		return float64(*x), nil
	case *gorgonia.F64:
		return float64(*x), nil
	case *tensor.Dense:
		if f := ToFloat64s(x); len(f) == 1 {
			return f[0], nil
		}
	}
	return 0, fmt.Errorf("engine: want a scalar, got %T of shape %v: %w", v, v.Shape(), ErrShape)
}
