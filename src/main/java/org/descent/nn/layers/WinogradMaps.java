package org.descent.nn.layers;

/**
 * Where {@link Winograd3x3}'s per-position arrays (its scratch {@code split}) meet the planes, one flat index per value,
 * so that the loops between them are one pass each, without the tiles' two-by-two strides and edge tests. Made once per
 * kernel from the plane's geometry; output tile {@code (ty, tx)} covers outputs {@code (2ty + r, 2tx + c)}, r, c ∈ {0, 1}.
 *
 * @param inputOf      the bordered plane's value at the input transform's split position j:
 *                     {@code split[δx][parity][k·tilesW + tx] = plane[2k + parity][2tx + δx]}
 * @param outputOf     the output transform's value for output pixel i (its four arrays by position in the tile)
 * @param gradientFrom the output pixel whose ∂L/∂y goes to split position j, −1 past the output's edge (where ∂Y is 0)
 * @param patchOf      {@code patchOf[t · H·W + i]}: the t-th patch value over input pixel i in ∂d's 16 arrays — on the
 *                     bordered plane, pixel {@code (2k + a, 2l + b)} is position (a, b) of tile (k, l), (a, b + 2) of
 *                     tile (k, l − 1), (a + 2, b) of tile (k − 1, l) and (a + 2, b + 2) of tile (k − 1, l − 1) — or
 *                     {@code zeroSlot} where that patch is absent
 * @param zeroSlot     a split position after the 16 arrays, kept at +0 for the absent patches
 */
record WinogradMaps(int[] inputOf, int[] outputOf, int[] gradientFrom, int[] patchOf, int zeroSlot) {
    /**
     * The maps of a {@code height × width} input with padding {@code pad}, an {@code outH × outW} output in
     * {@code tilesH × tilesW} tiles, and a bordered plane {@code planeW} wide.
     */
    static WinogradMaps of(int height, int width, int pad, int outH, int outW, int tilesH, int tilesW, int planeW) {
        int tiles = tilesH * tilesW;
        int zeroSlot = 16 * tiles;
        int seg = (tilesH + 1) * tilesW;
        int[] inputOf = new int[8 * seg];
        for (int par = 0; par < 2; par++) {
            for (int k = 0; k <= tilesH; k++) {
                for (int tx = 0; tx < tilesW; tx++) {
                    int at = par * seg + k * tilesW + tx;
                    int from = (2 * k + par) * planeW + 2 * tx;
                    for (int dx = 0; dx < 4; dx++) {
                        inputOf[2 * dx * seg + at] = from + dx;
                    }
                }
            }
        }
        int[] outputOf = new int[outH * outW];
        for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++) {
                outputOf[oy * outW + ox] = (2 * (oy & 1) + (ox & 1)) * tiles + (oy >> 1) * tilesW + (ox >> 1);
            }
        }
        int[] gradientFrom = new int[4 * tiles];
        for (int j = 0; j < gradientFrom.length; j++) {
            int position = j / tiles;
            int q = j % tiles;
            int oy = 2 * (q / tilesW) + (position >> 1);
            int ox = 2 * (q % tilesW) + (position & 1);
            gradientFrom[j] = oy < outH && ox < outW ? oy * outW + ox : -1;
        }
        int hw = height * width;
        int[] patchOf = new int[4 * hw];
        for (int h = 0; h < height; h++) {
            int a = (h + pad) & 1;
            int k = (h + pad) >> 1;
            for (int w = 0; w < width; w++) {
                int b = (w + pad) & 1;
                int l = (w + pad) >> 1;
                int i = h * width + w;
                boolean top = k < tilesH;
                boolean bottom = k > 0;
                patchOf[i] = top && l < tilesW ? (4 * a + b) * tiles + k * tilesW + l : zeroSlot;
                patchOf[hw + i] = top && l > 0 ? (4 * a + b + 2) * tiles + k * tilesW + l - 1 : zeroSlot;
                patchOf[2 * hw + i] = bottom && l < tilesW ? (4 * a + 8 + b) * tiles + (k - 1) * tilesW + l : zeroSlot;
                patchOf[3 * hw + i] = bottom && l > 0 ? (4 * a + 10 + b) * tiles + (k - 1) * tilesW + l - 1 : zeroSlot;
            }
        }
        return new WinogradMaps(inputOf, outputOf, gradientFrom, patchOf, zeroSlot);
    }

    /** Floats a scratch {@code split} needs beyond the arrays' own: up to and including {@link #zeroSlot}. */
    int splitLength() {
        return zeroSlot + 1;
    }
}
