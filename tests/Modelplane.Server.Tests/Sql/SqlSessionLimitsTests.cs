using Modelplane.Sql;

namespace Modelplane.Server.Tests.Sql;

/// <summary>The session's own limits: a result row cap that stops reading (the node's memory guard) and cancellation.</summary>
public sealed class SqlSessionLimitsTests
{
    [Fact]
    public async Task MaxResultRows_reads_only_that_many_rows_of_a_huge_result_and_says_truncated()
    {
        using var session = SqlSession.Open(new SqlSessionOptions { MaxResultRows = 5 });

        var result = await session.ExecuteAsync("SELECT range AS i FROM range(1000000000000)", CancellationToken.None);

        Assert.True(result.Truncated);
        Assert.Equal([0L, 1L, 2L, 3L, 4L], result.Rows.Select(r => (long)r[0]!));
    }

    [Fact]
    public async Task A_result_within_the_cap_is_whole()
    {
        using var session = SqlSession.Open(new SqlSessionOptions { MaxResultRows = 5 });

        var result = await session.ExecuteAsync("SELECT range AS i FROM range(5)", CancellationToken.None);

        Assert.False(result.Truncated);
        Assert.Equal(5, result.Rows.Count);
    }

    [Fact]
    public async Task Cancelling_interrupts_the_second_of_several_statements()
    {
        using var session = SqlSession.Open(new SqlSessionOptions());
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            session.ExecuteAsync("SELECT 1; SELECT count(*) FROM range(100000000000000)", cancel.Token));
    }
}
