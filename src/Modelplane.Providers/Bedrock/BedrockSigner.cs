using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace Modelplane.Providers.Bedrock;

/// <summary>
/// Signs Bedrock Runtime requests with AWS Signature Version 4 using AWSSDK.Core's standalone signer
/// (<see cref="AWSSigV4Signer"/>; https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html),
/// signing name <c>bedrock</c>, payload signed (<c>X-Amz-Content-SHA256</c>), and the session token as
/// <c>X-Amz-Security-Token</c> when one is given.
/// </summary>
internal sealed class BedrockSigner(string region, string accessKeyId, string secretAccessKey, string? sessionToken, TimeProvider time)
{
    /// <summary>The SigV4 signing name of Bedrock Runtime.</summary>
    public const string SigningName = "bedrock";

    private readonly AWSCredentials credentials = string.IsNullOrEmpty(sessionToken)
        ? new BasicAWSCredentials(accessKeyId, secretAccessKey)
        : new SessionAWSCredentials(accessKeyId, secretAccessKey, sessionToken);

    /// <summary>Adds the SigV4 headers (<c>Authorization</c>, <c>X-Amz-Date</c>, <c>X-Amz-Content-SHA256</c>, and
    /// <c>X-Amz-Security-Token</c>) to a POST of <paramref name="body"/> as <c>application/json</c>.</summary>
    public void Sign(HttpRequestMessage request, byte[] body, string contentType)
    {
        var signing = new AWSSigningRequest { HttpMethod = request.Method, RequestUri = request.RequestUri, Content = body };
        signing.Headers["content-type"] = contentType;
        var result = AWSSigV4Signer.Sign(signing, new AWSSigV4Parameters
        {
            Credentials = credentials,
            Region = RegionEndpoint.GetBySystemName(region),
            Service = SigningName,
            SignPayload = true,
            SignedAt = time.GetUtcNow().UtcDateTime,
        });
        foreach (var (name, value) in result.Headers)
        {
            if (!name.Equals("content-type", StringComparison.OrdinalIgnoreCase) && !name.Equals("host", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }
    }
}
