package models

import (
	"fmt"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/ops"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// ClassifierConfig configures the small image classifier whose features stand in for the
// Inception network of FID, sFID, IS, precision and recall (none is available here): patch
// features (a stride-Patch convolution as a linear map on Patchify's tokens, then a 1×1
// convolution), flattened, a hidden layer (the pooled features) and the class logits. Zero
// values of optional fields are the defaults.
type ClassifierConfig struct {
	Channels int `json:"channels"`
	Size     int `json:"size"`             // input height = width
	Patch    int `json:"patch,omitempty"`  // default 4; Size must be a multiple
	Width    int `json:"width,omitempty"`  // features per patch, default 32
	Hidden   int `json:"hidden,omitempty"` // pooled features, default 128
	Classes  int `json:"classes"`          // at least 2
}

// WithDefaults returns c with its zero optional fields set.
func (c ClassifierConfig) WithDefaults() ClassifierConfig {
	if c.Patch == 0 {
		c.Patch = 4
	}
	if c.Width == 0 {
		c.Width = 32
	}
	if c.Hidden == 0 {
		c.Hidden = 128
	}
	return c
}

// Tokens returns the patches per image.
func (c ClassifierConfig) Tokens() int { g := c.Size / c.Patch; return g * g }

// Classifier is the feature network of the image metrics.
type Classifier struct {
	cfg                 ClassifierConfig
	ps                  *layers.Params
	embed, mix, fc, out *affine
}

// NewClassifier builds a classifier in ps.
func NewClassifier(ps *layers.Params, cfg ClassifierConfig) (*Classifier, error) {
	cfg = cfg.WithDefaults()
	switch {
	case cfg.Channels < 1 || cfg.Size < 1 || cfg.Patch < 1 || cfg.Size%cfg.Patch != 0:
		return nil, fmt.Errorf("models: classifier of %d channels, size %d, patch %d: %w", cfg.Channels, cfg.Size, cfg.Patch, ErrConfig)
	case cfg.Width < 1 || cfg.Hidden < 1 || cfg.Classes < 2:
		return nil, fmt.Errorf("models: classifier width %d, hidden %d, %d classes: %w", cfg.Width, cfg.Hidden, cfg.Classes, ErrConfig)
	}
	c := &Classifier{cfg: cfg, ps: ps}
	var err error
	p := cfg.Patch
	if c.embed, err = newAffine(ps, "cls.embed", p*p*cfg.Channels, cfg.Width, false); err != nil {
		return nil, err
	}
	if c.mix, err = newAffine(ps, "cls.mix", cfg.Width, cfg.Width, false); err != nil {
		return nil, err
	}
	if c.fc, err = newAffine(ps, "cls.fc", cfg.Tokens()*cfg.Width, cfg.Hidden, false); err != nil {
		return nil, err
	}
	if c.out, err = newAffine(ps, "cls.out", cfg.Hidden, cfg.Classes, false); err != nil {
		return nil, err
	}
	return c, nil
}

// Config returns the configuration with defaults applied.
func (c *Classifier) Config() ClassifierConfig { return c.cfg }

// Params returns the network's parameters.
func (c *Classifier) Params() *layers.Params { return c.ps }

// ClassifierOutput holds the nodes of one forward pass.
type ClassifierOutput struct {
	Logits  *gorgonia.Node // [B, Classes]
	Spatial *gorgonia.Node // [B, Tokens·Width]: per-patch features in token order (sFID's)
	Pooled  *gorgonia.Node // [B, Hidden] (FID's, precision's and recall's)
}

// Forward classifies B images patchified with the classifier's patch: x [B·Tokens,
// Patch²·Channels] (Patchify).
func (c *Classifier) Forward(s *layers.Scope, x *gorgonia.Node, B int) (ClassifierOutput, error) {
	cfg := c.cfg
	T, p := cfg.Tokens(), cfg.Patch
	if x.Dims() != 2 || x.Shape()[0] != B*T || x.Shape()[1] != p*p*cfg.Channels {
		return ClassifierOutput{}, fmt.Errorf("models: classifier input %v for %d images: want [%d, %d]: %w", x.Shape(), B, B*T, p*p*cfg.Channels, ErrInput)
	}
	var o ClassifierOutput
	h, err := c.embed.forward(s, x)
	if err == nil {
		h, err = ops.Activate(h, ops.ReLU)
	}
	if err == nil {
		h, err = c.mix.forward(s, h)
	}
	if err == nil {
		h, err = ops.Activate(h, ops.ReLU)
	}
	if err == nil {
		o.Spatial, err = gorgonia.Reshape(h, tensor.Shape{B, T * cfg.Width})
	}
	if err == nil {
		h, err = c.fc.forward(s, o.Spatial)
	}
	if err == nil {
		o.Pooled, err = ops.Activate(h, ops.ReLU)
	}
	if err == nil {
		o.Logits, err = c.out.forward(s, o.Pooled)
	}
	if err != nil {
		return ClassifierOutput{}, fmt.Errorf("models: classifier: %w", err)
	}
	return o, nil
}

// Features are the classifier's outputs for a set of images, one row per image.
type Features struct {
	Logits, Spatial, Pooled [][]float64
}

// Features runs the classifier in evaluation mode on images (each Channels × Size × Size,
// channel-major), batch images per graph.
func (c *Classifier) Features(images [][]float64, batch int) (*Features, error) {
	cfg := c.cfg
	if batch < 1 {
		batch = 256
	}
	f := &Features{}
	T, p := cfg.Tokens(), cfg.Patch
	for first := 0; first < len(images); first += batch {
		imgs := images[first:min(first+batch, len(images))]
		var x []float64
		for i, img := range imgs {
			if len(img) != cfg.Channels*cfg.Size*cfg.Size {
				return nil, fmt.Errorf("models: classifier: image %d has %d values, want %d: %w", first+i, len(img), cfg.Channels*cfg.Size*cfg.Size, ErrInput)
			}
			x = append(x, Patchify(img, cfg.Channels, cfg.Size, p)...)
		}
		s := layers.NewScope(c.ps, false)
		xn, err := s.Input("x", x, len(imgs)*T, p*p*cfg.Channels)
		if err != nil {
			return nil, err
		}
		o, err := c.Forward(s, xn, len(imgs))
		if err != nil {
			return nil, err
		}
		res, err := s.Run(nil, o.Logits, o.Spatial, o.Pooled)
		if err != nil {
			return nil, fmt.Errorf("models: classifier: %w", err)
		}
		for k, dst := range []*[][]float64{&f.Logits, &f.Spatial, &f.Pooled} {
			v := res.Values[k]
			cols := v.Shape()[1]
			data := engine.ToFloat64s(v)
			for r := range len(imgs) {
				*dst = append(*dst, data[r*cols:(r+1)*cols])
			}
		}
	}
	return f, nil
}
