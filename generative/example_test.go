package generative_test

import (
	"fmt"

	"github.com/ncgn/ncgn/generative"
	"github.com/ncgn/ncgn/schedules"
)

// The noise level t (t = 0 noise, t = 1 data) and DDPM's integer index meet only here.
func ExampleDDPM_TrainIndex() {
	d, _ := generative.NewDDPM(generative.DDPMConfig{})
	ref, _ := generative.NewDDPM(generative.DDPMConfig{ReferenceOrientation: true})
	for _, t := range []schedules.NoiseLevel{0, 0.5, 1} {
		i, _ := d.TrainIndex(t)
		j, _ := ref.TrainIndex(t)
		fmt.Printf("t = %.1f: index %d (reference orientation %d)\n", float64(t), i, j)
	}
	fmt.Println("sampling levels:", d.Level(999), d.Level(0))
	// Output:
	// t = 0.0: index 999 (reference orientation 0)
	// t = 0.5: index 500 (reference orientation 500)
	// t = 1.0: index 0 (reference orientation 999)
	// sampling levels: 0 1
}

// Ten sampling steps subsample the 1000 indices as diffusers' set_timesteps does.
func ExampleDDPM_SamplingIndices() {
	d, _ := generative.NewDDPM(generative.DDPMConfig{SamplingSteps: 10})
	fmt.Println(d.SamplingIndices())
	// Output:
	// [900 800 700 600 500 400 300 200 100 0]
}
