// Package images reads the image data of the DiT experiments (paper Section 5.3): MNIST from
// its original IDX files, folders of PNG or JPEG images with one sub-folder per class, and
// precomputed latent arrays (.npy, as a user with a VAE would bring ImageNet latents). Every
// loader returns a Set: N images of C channels and H × W pixels, channel-major, with their
// class labels.
package images
