package transcriptomics

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
)

func TestConfig_Validate(t *testing.T) {
	cases := []struct {
		name   string
		modify func(*Config)
		ok     bool
	}{
		{"default", func(*Config) {}, true},
		{"exact frame times", func(c *Config) { c.ExactFrameTimes = true }, true},
		{"zero value", func(c *Config) { *c = Config{} }, false},
		{"two points", func(c *Config) { c.Points = 2 }, false},
		{"zero ds", func(c *Config) { c.DS = 0 }, false},
		{"negative dt", func(c *Config) { c.DT = -0.005 }, false},
		{"no steps", func(c *Config) { c.Steps = 0 }, false},
		{"NaN k4", func(c *Config) { c.K4 = math.NaN() }, false},
		{"infinite d_w", func(c *Config) { c.DW = math.Inf(1) }, false},
		{"negative d_b", func(c *Config) { c.DB = -1 }, false},
		{"init range reversed", func(c *Config) { c.InitLow, c.InitHigh = 0.01, -0.01 }, false},
		{"unstable dt", func(c *Config) { c.DT = 0.01 }, false}, // 2.5·0.01/0.04 = 0.625
		{"stable at the limit", func(c *Config) { c.DT = 0.008 }, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultConfig()
			tc.modify(&c)
			err := c.Validate()
			if tc.ok && err != nil {
				t.Fatalf("Validate() = %v, want nil", err)
			}
			if !tc.ok && !errors.Is(err, ErrConfig) {
				t.Fatalf("Validate() = %v, want an error wrapping ErrConfig", err)
			}
		})
	}
}

func TestConfig_Defaults(t *testing.T) {
	c := DefaultConfig()
	if got, want := float64(c.Steps)*c.DT, 100.0; math.Abs(got-want) > 1e-9 {
		t.Errorf("horizon Steps·DT = %v, want %v", got, want)
	}
	if got, want := float64(c.Points)*c.DS, 60.0; math.Abs(got-want) > 1e-9 {
		t.Errorf("space length Points·DS = %v, want %v", got, want)
	}
	if got, want := c.StabilityNumber(), 0.3125; math.Abs(got-want) > 1e-12 {
		t.Errorf("StabilityNumber = %v, want %v", got, want)
	}
	if c.MaxLabel() != 19999 {
		t.Errorf("MaxLabel = %d, want 19999 (reference: label k after k+1 steps)", c.MaxLabel())
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back Config
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back != c {
		t.Errorf("JSON round trip changed the config: %+v -> %+v", c, back)
	}
}
