package generative

import (
	"encoding/json"
	"errors"
	"testing"
)

// FuzzDecodeCheckpoint checks that no checkpoint.json makes decodeCheckpoint panic, that every
// error wraps ErrCheckpoint, and that what it accepts names its own step's folder. Run with:
// go test -run '^$' -fuzz FuzzDecodeCheckpoint -fuzztime 1m ./generative/
func FuzzDecodeCheckpoint(f *testing.F) {
	good, err := json.Marshal(checkpointInfo{Format: checkpointFormat, Step: 3, Dir: checkpointDir(3), Samples: 10})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{"format":"x","step":-1}`))
	f.Add([]byte(`{"step": 1e400}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := decodeCheckpoint(b, "checkpoint.json")
		if err != nil {
			if !errors.Is(err, ErrCheckpoint) {
				t.Fatalf("error %v does not wrap ErrCheckpoint", err)
			}
			return
		}
		if info.Dir != checkpointDir(info.Step) || info.Step < 1 || info.Samples < 1 {
			t.Fatalf("accepted %+v", info)
		}
	})
}
