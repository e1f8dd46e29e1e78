package experiments

import (
	"errors"
	"testing"
)

func TestParseScale(t *testing.T) {
	cases := []struct {
		in   string
		want Scale
		err  bool
	}{
		{"smoke", Smoke, false},
		{"Small", Small, false},
		{"PAPER", Paper, false},
		{"", "", true},
		{"medium", "", true},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseScale(tc.in)
			if tc.err {
				if !errors.Is(err, ErrConfig) {
					t.Fatalf("ParseScale(%q) error %v, want ErrConfig", tc.in, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ParseScale(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestScale_ValidateAndResult(t *testing.T) {
	for _, s := range Scales() {
		if err := s.Validate(); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	if err := Scale("Smoke").Validate(); !errors.Is(err, ErrConfig) {
		t.Errorf("Scale(\"Smoke\").Validate() = %v, want ErrConfig (scales are lower case)", err)
	}
	if Smoke.Result() || !Small.Result() || !Paper.Result() {
		t.Errorf("Result: smoke %v small %v paper %v; want false, true, true", Smoke.Result(), Small.Result(), Paper.Result())
	}
}
