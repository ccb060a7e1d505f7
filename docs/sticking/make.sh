#!/bin/sh
# Regenerates the pictures of docs/sticking/ from the fixture networks (../shared/fixtures or
# $STYLESCOPE_FIXTURES) with the command line: `sh docs/sticking/make.sh [path/to/stylescope]`.
set -e
B=${1:-target/release/stylescope}
F=${STYLESCOPE_FIXTURES:-../shared/fixtures}
D=docs/sticking
SG2=$F/sg2_64/network.pkl
SG3=$F/sg3t_64/network.pkl
SG3R=$F/sg3r_64/network.pkl
$B sticking average --network $SG2 --network $SG3 --seed 85 --count 64 --radius 2 --zoom 4 --out $D/average.png
$B sticking slice --network $SG2 --network $SG3 --seed 85 --to-seed 7 --frames 48 --zoom 4 --out $D/slice_interpolation.png --gif $D/interpolation.gif --fps 24
$B sticking slice --network $SG3 --network $SG3R --seed 85 --speed 0.5,0 --row 32 --frames 64 --zoom 4 --out $D/slice_translation.png
$B sticking residual --network $SG2 --network $SG3 --network $SG3R --seed 85 --translate 0.13,-0.21 --rotate 17 --zoom 4 --out $D/residual.png || true
$B sticking eqmap --network $SG3 --network $SG3R --seed 85 --rotate 17 --zoom 4 --out $D/eqmap_rotate.png
$B sticking eqmap --network $SG3 --network $SG3R --seed 85 --translate 0.05,0.02 --zoom 4 --out $D/eqmap_translate.png
$B sticking layer --network $SG2 --network $SG3 --seed 85 --fft --zoom 4 --out $D/layer_output_fft.png
$B sticking layer --network $SG2 --network $SG3 --seed 85 --layer b32.conv1 --fft --single --normalize --zoom 4 --out $D/layer_sg2_b32_conv1.png
$B sticking layer --network $SG3 --seed 85 --layer L8_84_32 --fft --single --normalize --zoom 4 --out $D/layer_sg3_L8.png
$B sticking spectrum --network $SG2 --network $SG3 --num 64 --out $D/spectrum.png --slices $D/spectrum_slices.png
