using Microsoft.EntityFrameworkCore;
using Modelplane.Abstractions;

namespace Modelplane.Core.Registry;

/// <summary>Saving a new row whose key another request may have taken between the existence check and the insert.</summary>
internal static class StoreWrites
{
    /// <summary>Saves; a failed insert (unique key taken concurrently) becomes the given 409 instead of a 500.</summary>
    /// <param name="db">The store.</param>
    /// <param name="conflict">The error to throw, e.g. <see cref="ModelplaneException.AlreadyExists"/> naming the resource.</param>
    /// <param name="cancellationToken">Cancels the save.</param>
    public static async Task SaveNewAsync(this DbContext db, Func<ModelplaneException> conflict, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e)
        {
            var error = conflict();
            throw new ModelplaneException(error.ErrorCode, error.Message, error.StatusCode, e);
        }
    }
}
