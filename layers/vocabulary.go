package layers

import (
	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/ops"
)

// The engine's and the ops' names a model is written in, under the layers package: a model
// needs Params, a Scope and the activations, not the packages below them.
type (
	// Params is the store of persistent named tensors (engine.Params).
	Params = engine.Params
	// Param is one of them (engine.Param).
	Param = engine.Param
	// Init says how a parameter is initialised (engine.Init).
	Init = engine.Init
	// Scope is one step's graph (engine.Scope).
	Scope = engine.Scope
	// Result is what Scope.Run computed (engine.Result).
	Result = engine.Result
	// Activation names an element-wise non-linearity (ops.Activation).
	Activation = ops.Activation
)

// The activations of the paper's networks (ops).
const (
	GELU     = ops.GELU
	ReLU     = ops.ReLU
	Identity = ops.Identity
)

var (
	// NewParams returns an empty parameter store (engine.NewParams).
	NewParams = engine.NewParams
	// NewScope starts a step's graph over a store (engine.NewScope).
	NewScope = engine.NewScope
	// Uniform, Zeros and Ones are the initialisations (engine).
	Uniform = engine.Uniform
	Zeros   = engine.Zeros
	Ones    = engine.Ones
	// ErrShape reports a tensor or index of the wrong shape or length (engine.ErrShape).
	ErrShape = engine.ErrShape
	// ErrConfig reports an invalid layer or parameter configuration (engine.ErrConfig).
	ErrConfig = engine.ErrConfig
	// ErrCorrupt reports a parameter file that is corrupt or does not match (engine.ErrCorrupt).
	ErrCorrupt = engine.ErrCorrupt
)
