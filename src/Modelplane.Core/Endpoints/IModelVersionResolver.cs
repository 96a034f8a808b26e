using Modelplane.Core.Storage;

namespace Modelplane.Core.Endpoints;

/// <summary>Resolves <c>catalog.schema.model</c> plus a version number, alias or <c>latest</c> to a stored model version.</summary>
public interface IModelVersionResolver
{
    /// <summary>Resolves a version.</summary>
    /// <exception cref="Abstractions.ModelplaneException">404 <c>RESOURCE_DOES_NOT_EXIST</c> naming the model, version or alias.</exception>
    Task<ModelVersionEntity> ResolveAsync(string fullName, string versionOrAlias, CancellationToken cancellationToken);
}
