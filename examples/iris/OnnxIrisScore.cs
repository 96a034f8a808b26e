namespace Modelplane.Examples.Iris;

/// <summary>One row of the exported graph's outputs.</summary>
/// <param name="Species">The <c>species</c> output.</param>
/// <param name="Probabilities">The <c>probabilities</c> output, in <see cref="IrisSchema.ClassOrder"/> order.</param>
public sealed record OnnxIrisScore(string Species, float[] Probabilities);
