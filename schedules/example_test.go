package schedules_test

import (
	"fmt"

	"github.com/ncgn/ncgn/schedules"
)

// The ModelNet40 setting of the paper: N = 400 points, k = 7, the exponential schedule.
func ExampleNew() {
	s, err := schedules.New(schedules.Config{Kind: schedules.Exp, Nodes: 400, K: 7})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range []schedules.NoiseLevel{0, 0.5, 0.9, 1} {
		st := s.At(t)
		fmt.Printf("t=%.1f s_t=%d k_t=%d s_t*k_t=%d\n", float64(t), st.Supernodes, st.Neighbours, st.EdgeBudget())
	}
	// Output:
	// t=0.0 s_t=53 k_t=53 s_t*k_t=2809
	// t=0.5 s_t=56 k_t=51 s_t*k_t=2856
	// t=0.9 s_t=181 k_t=16 s_t*k_t=2896
	// t=1.0 s_t=400 k_t=7 s_t*k_t=2800
}

// The DiT-DMP patch schedule at three DDPM steps.
func ExamplePatchSchedule() {
	s, err := schedules.NewPatchSchedule(schedules.PatchConfig{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, step := range []int{999, 100, 0} {
		p, err := s.AtStep(step)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("step %d: patch %d, %dx%d tokens, %dx%d window\n", step, p.Patch, p.Side, p.Side, p.Kernel, p.Kernel)
	}
	// Output:
	// step 999: patch 4, 8x8 tokens, 7x7 window
	// step 100: patch 2, 16x16 tokens, 5x5 window
	// step 0: patch 1, 32x32 tokens, 3x3 window
}
