using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Secrets;

/// <summary>
/// Checks at start-up that <see cref="MasterKey"/> is the key the store was encrypted with: the store keeps a known
/// constant encrypted under it (<see cref="SecretKeyCheckEntity"/>), written on the first start. Applies the store's
/// migrations first (a no-op when <see cref="NodeInitializer"/> already did).
/// </summary>
public sealed class SecretsInitializer(IServiceScopeFactory scopes, MasterKey masterKey) : IHostedService
{
    private static readonly byte[] CheckPlaintext = Encoding.ASCII.GetBytes("modelplane master key check v1");
    private static readonly byte[] CheckAssociatedData = Encoding.ASCII.GetBytes("modelplane/master-key-check");

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The key does not match; the message names <c>MODELPLANE_MASTER_KEY</c>.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>();
        await db.Database.MigrateAsync(cancellationToken); // a no-op after NodeInitializer; makes registration order irrelevant
        var check = await db.SecretKeyChecks.SingleOrDefaultAsync(c => c.Id == 1, cancellationToken);
        if (check is null)
        {
            var encrypted = masterKey.Encrypt(CheckPlaintext, CheckAssociatedData);
            db.SecretKeyChecks.Add(new SecretKeyCheckEntity { Id = 1, Nonce = encrypted.Nonce, Ciphertext = encrypted.Ciphertext, Tag = encrypted.Tag });
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        try
        {
            masterKey.Decrypt(new EncryptedValue(check.Nonce, check.Ciphertext, check.Tag), CheckAssociatedData);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new InvalidOperationException(
                $"The master key from {masterKey.Source} is not the key this node's secrets were encrypted with. " +
                $"Set {MasterKey.EnvironmentVariable} to the original key (base64, {MasterKey.KeyBytes} bytes), or unset it to use " +
                $"the original <data-dir>/{MasterKey.FileName}.", ex);
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
