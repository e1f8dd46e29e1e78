package layers

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

// opBase implements the parts of gorgonia.Op that every custom op here shares.
type opBase struct {
	name   string
	serial uint64
	arity  int
	// inDims are the ranks of the inputs and outDims the rank of the output, used for Type.
	inDims  []int
	outDims int
	// ar is the arena of the Scope whose graph the op belongs to (nil outside a Scope): the
	// op's output buffers come from it (arena.go).
	ar *arena
}

// base gives applyOp access to the embedded opBase.
func (o *opBase) base() *opBase { return o }

// applyOp applies op to the input nodes like gorgonia.ApplyOp, after binding op to the arena
// of the inputs' graph.
func applyOp(op gorgonia.Op, children ...*gorgonia.Node) (*gorgonia.Node, error) {
	if b, ok := op.(interface{ base() *opBase }); ok && len(children) > 0 {
		b.base().ar = arenaOf(children[0].Graph())
	}
	return gorgonia.ApplyOp(op, children...)
}

func newOpBase(name string, outDims int, inDims ...int) opBase {
	return opBase{name: name, serial: opSerial.Add(1), arity: len(inDims), inDims: inDims, outDims: outDims}
}

func (o *opBase) Arity() int { return o.arity }

func (o *opBase) Type() hm.Type {
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

func (o *opBase) ReturnsPtr() bool     { return false }
func (o *opBase) CallsExtern() bool    { return false }
func (o *opBase) OverwritesInput() int { return -1 }
func (o *opBase) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "%s#%d", o.name, o.serial)
}
func (o *opBase) Hashcode() uint32 {
	h := fnv.New32a()
	o.WriteHash(h)
	return h.Sum32()
}
func (o *opBase) String() string { return o.name }

// allInputs is DiffWRT for an op differentiable in each of its n inputs.
func allInputs(n int) []bool {
	d := make([]bool, n)
	for i := range d {
		d[i] = true
	}
	return d
}

// shapeOf returns the shape of a DimSizer as a tensor.Shape.
func shapeOf(d gorgonia.DimSizer) (tensor.Shape, error) {
	if s, ok := d.(tensor.Shape); ok {
		return s, nil
	}
	return nil, fmt.Errorf("layers: cannot read the shape of %T: %w", d, ErrShape)
}

// denseOf returns the *tensor.Dense behind a gorgonia value.
func denseOf(v gorgonia.Value) (*tensor.Dense, error) {
	d, ok := v.(*tensor.Dense)
	if !ok {
		return nil, fmt.Errorf("layers: expected a dense tensor, got %T: %w", v, ErrShape)
	}
	return d, nil
}

// denseInputs returns the dense tensors behind an op's inputs.
func denseInputs(in []gorgonia.Value) ([]*tensor.Dense, error) {
	ts := make([]*tensor.Dense, len(in))
	for i, v := range in {
		d, err := denseOf(v)
		if err != nil {
			return nil, err
		}
		ts[i] = d
	}
	return ts, nil
}

// newLike returns a zeroed dense tensor of the same dtype as like with the given shape, from
// the op's arena.
func (o *opBase) newLike(like *tensor.Dense, shape ...int) *tensor.Dense {
	return o.ar.dense(like.Dtype(), true, shape...)
}

// newUninit is newLike without the zeroing: the caller writes every element.
func (o *opBase) newUninit(like *tensor.Dense, shape ...int) *tensor.Dense {
	return o.ar.dense(like.Dtype(), false, shape...)
}

// float is the element type of every kernel.
type float interface{ ~float32 | ~float64 }
