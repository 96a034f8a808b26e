using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Modelplane.Server.Sql;

/// <summary>Registers the Statement Execution API's services: settings (<c>Modelplane:Sql</c>, validated at start-up),
/// the statement store, the runner and the loopback transport.</summary>
public static class SqlStatementServices
{
    /// <summary>Adds the SQL statement services.</summary>
    /// <param name="services">The node's services.</param>
    /// <param name="configuration">The node's configuration.</param>
    public static IServiceCollection AddSqlStatements(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SqlStatementOptions>().Bind(configuration.GetSection(SqlStatementOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SqlStatementOptions>, SqlStatementOptionsValidator>();
        services.TryAddSingleton<NodeLoopback>();
        services.AddSingleton<SqlStatementStore>();
        services.AddSingleton<SqlStatementRunner>();
        return services;
    }
}
