package modelnet40

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestConfig_WithDefaults(t *testing.T) {
	c := Config{Split: Test, Classes: []string{"chair", "airplane", "chair"}}.WithDefaults()
	if c.Points != 400 || c.Source != Vertices || c.Scale != 0.5*0.49999999 || c.Workers < 1 {
		t.Errorf("defaults: %+v", c)
	}
	if !reflect.DeepEqual(c.Classes, []string{"airplane", "chair"}) {
		t.Errorf("classes %v, want sorted and unique", c.Classes)
	}
	if err := c.Validate(); err != nil {
		t.Error(err)
	}
}

func TestConfig_Validate(t *testing.T) {
	good := Config{Split: Train}.WithDefaults()
	cases := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"split", func(c *Config) { c.Split = "val" }, `split "val"`},
		{"no split", func(c *Config) { c.Split = "" }, `split ""`},
		{"points", func(c *Config) { c.Points = -1 }, "points -1"},
		{"source", func(c *Config) { c.Source = "faces" }, `source "faces"`},
		{"limit", func(c *Config) { c.Limit = -2 }, "limit -2"},
		{"per class", func(c *Config) { c.PerClass = -1 }, "per-class limit -1"},
		{"min points", func(c *Config) { c.MinPoints = -5 }, "min points -5"},
		{"negative scale", func(c *Config) { c.Scale = -1 }, "scale -1"},
		{"NaN scale", func(c *Config) { c.Scale = math.NaN() }, "scale NaN"},
		{"infinite scale", func(c *Config) { c.Scale = math.Inf(1) }, "scale +Inf"},
		{"workers", func(c *Config) { c.Workers = -1 }, "workers -1"},
		{"empty class", func(c *Config) { c.Classes = []string{""} }, "empty class name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := good
			tc.edit(&c)
			err := c.Validate()
			if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want ErrConfig naming %q", err, tc.want)
			}
		})
	}
}
