/**
 * Mean pooling over the tokens the attention mask keeps, then L2 normalisation:
 * the arithmetic of transformers.js's `mean_pooling` and `normalize(2, -1)`,
 * step for step (float64 sums for the mean, a float32 running sum for the
 * norm), so the vectors are bit-identical to its pipeline's. It reads the
 * typed arrays directly: transformers.js reads every element through its
 * Tensor's Proxy, which cost 0.6 ms of a 2 ms query embedding here.
 */
export function meanPooledUnitVectors(
  hidden: Float32Array,
  dims: readonly number[],
  attentionMask: BigInt64Array | Int32Array | Float32Array,
): Float32Array[] {
  const [batchSize, seqLength, dimensions] = dims as readonly [number, number, number];
  const vectors: Float32Array[] = [];
  const weights = new Float64Array(seqLength);
  for (let row = 0; row < batchSize; row++) {
    const vector = new Float32Array(dimensions);
    const rowOffset = row * seqLength * dimensions;
    let kept = 0;
    for (let token = 0; token < seqLength; token++) kept += weights[token] = Number(attentionMask[row * seqLength + token]);
    for (let k = 0; k < dimensions; k++) {
      let sum = 0;
      for (let token = 0; token < seqLength; token++) sum += hidden[rowOffset + k + token * dimensions]! * weights[token]!;
      vector[k] = sum / kept;
    }
    // transformers.js keeps this sum and the norm in a Float32Array: Math.fround rounds the same way.
    let squares = 0;
    for (let k = 0; k < dimensions; k++) squares = Math.fround(squares + vector[k]! ** 2);
    const norm = Math.fround(squares ** 0.5);
    for (let k = 0; k < dimensions; k++) vector[k] = vector[k]! / norm;
    vectors.push(vector);
  }
  return vectors;
}
