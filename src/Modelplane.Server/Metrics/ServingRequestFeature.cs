namespace Modelplane.Server.Metrics;

/// <summary>
/// Marks a request that reached a data route with <see cref="ServingMetricsRecording.WithServingMetrics{TBuilder}"/>:
/// the endpoint it names and when it reached the route (after authentication).
/// </summary>
/// <param name="Endpoint">The <c>{name}</c> route value.</param>
/// <param name="StartTimestamp">A <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> value.</param>
internal sealed record ServingRequestFeature(string Endpoint, long StartTimestamp);
