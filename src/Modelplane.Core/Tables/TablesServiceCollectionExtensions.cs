using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Modelplane.Core.Tables;

/// <summary>Registers usage and inference table storage (docs/tables.md).</summary>
public static class TablesServiceCollectionExtensions
{
    /// <summary>Adds <see cref="TablesOptions"/> (from <c>Modelplane:Tables</c>), the sink, the row builders, the files
    /// and the background writer.</summary>
    public static IServiceCollection AddGovernanceTables(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TablesOptions>().Bind(configuration.GetSection(TablesOptions.Section));
        services.AddSingleton<TableSink>();
        services.AddSingleton<TableFiles>();
        services.AddSingleton<CaptureRows>();
        services.AddSingleton<ServedEntitiesRecorder>();
        services.AddHostedService<TableWriterService>();
        return services;
    }
}
