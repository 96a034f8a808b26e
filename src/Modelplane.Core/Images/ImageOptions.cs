namespace Modelplane.Core.Images;

/// <summary>Image and runtime collection, bound from <c>Modelplane:Images</c>.</summary>
public sealed class ImageOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Modelplane:Images";

    /// <summary>
    /// How long an image or runtime stays on disk after the collector first finds it unreferenced, in minutes (a retired
    /// config's replicas may still be draining on it). Default 1440 (one day); 0 deletes on the next pass.
    /// </summary>
    public int GracePeriodMinutes { get; set; } = 1440;

    /// <summary>Minutes between collector passes. Default 10.</summary>
    public int CollectIntervalMinutes { get; set; } = 10;
}
