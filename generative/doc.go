// Package generative holds the generative processes that train and sample a denoiser: DDPM
// diffusion and conditional flow matching, conditioning by replacement, the training loop and
// the sampler loop. It knows nothing of graphs. The noise level t (t = 0 noise, t = 1 data) is
// converted to a DDPM integer timestep here and nowhere else.
package generative
