package optim_test

import (
	"fmt"
	"log"

	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/layers/optim"
	"gorgonia.org/tensor"
)

// Training with the reference's recipe: Adam, a linear warm-up (here over 2 steps, so the
// first step has lr 0), an EMA of the weights with decay 0.95, and the EMA weights swapped in
// for sampling.
func Example() {
	ps, err := layers.NewParams(tensor.Float64, 1)
	check(err)
	w, err := ps.Add("w", []int{2}, layers.Zeros())
	check(err)
	adam, err := optim.NewAdam(ps, optim.Config{LR: 0.1, WarmupSteps: 2})
	check(err)
	ema, err := optim.NewEMA(ps, optim.EMAConfig{})
	check(err)

	for step := range 4 {
		g := w.Grad.Data().([]float64) // the gradient of loss = w0 - w1
		g[0], g[1] = 1, -1
		lr := adam.LR()
		check(adam.Step())
		check(ema.Update())
		fmt.Printf("step %d: lr %.2f  w %.4f  ema %.4f\n", step, lr, w.Float64s(), ema.Value("w"))
	}

	check(ema.Swap()) // sample with the EMA weights ...
	fmt.Printf("sampling with w %.4f\n", w.Float64s())
	check(ema.Swap()) // ... and train on
	// Output:
	// step 0: lr 0.00  w [0.0000 0.0000]  ema [0.0000 0.0000]
	// step 1: lr 0.05  w [-0.0500 0.0500]  ema [-0.0025 0.0025]
	// step 2: lr 0.10  w [-0.1500 0.1500]  ema [-0.0099 0.0099]
	// step 3: lr 0.10  w [-0.2500 0.2500]  ema [-0.0219 0.0219]
	// sampling with w [-0.0219 0.0219]
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
