using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using NetDsl.Samples.Training;
using NetDsl.Training;
using Xunit;

namespace NetDsl.Generator.Tests.Training;

/// <summary>The plain progress of <c>train</c> (redirected output, <c>CI=true</c>): its lines and the results table.</summary>
[Collection("Training")]
public class ProgressTests
{
    [Fact]
    public void Plain_mode_prints_a_few_lines_per_epoch_an_epoch_line_and_the_table()
    {
        using var train = Synthetic.Bars(128, seed: 1);
        using var test = Synthetic.Bars(30, seed: 2);
        using var net = Trainer.Seeded(0, () => new TinyClassifier());
        using var trainer = new Trainer(net, new TrainingOptions { Epochs = 2, BatchSize = 16 }); // 8 batches an epoch
        var output = new StringWriter();
        var view = new PlainTrainingView(output, updatesPerEpoch: 4);
        view.Run("TinyClassifier", trainer, () => trainer.Fit(train, test));
        view.Results(new[] { new NetworkRun("TinyClassifier", "tiny", 1234, 5_600_000, trainer.History, 0, 12.5) });
        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

        var batch = new Regex(@"^TinyClassifier epoch (\d)/2 batch (\d)/8: loss \d+\.\d{4} acc \d+\.\d\d% [\d,]+ img/s, \d+:\d\d left$");
        var epoch = new Regex(@"^TinyClassifier epoch (\d)/2: train loss \d+\.\d{4} acc \d+\.\d\d%, test loss \d+\.\d{4} acc \d+\.\d\d%, " +
            @"[\d,]+ img/s, \d+\.\d s \+ eval \d+\.\d s, RSS \d+\.\d MiB$");
        Assert.Equal(2 * (4 + 1) + 3, lines.Length);
        for (int e = 0; e < 2; e++)
        {
            var block = lines.Skip(e * 5).Take(5).ToArray();
            for (int i = 0; i < 4; i++)
            {
                var m = batch.Match(block[i]);
                Assert.True(m.Success, block[i]);
                Assert.Equal((e + 1).ToString(), m.Groups[1].Value);
                Assert.Equal((2 * (i + 1)).ToString(), m.Groups[2].Value);
            }
            Assert.Matches(epoch, block[4]);
            Assert.Contains($"test loss {trainer.History[e].TestLoss:0.0000}", block[4]);
        }
        Assert.Matches(@"^network\s+params\s+mult-adds\s+epochs\s+train acc\s+test acc\s+test loss\s+img/s\s+time\s+RSS", lines[10]);
        Assert.Matches(@"^-+( +-+)+$", lines[11]);
        Assert.Matches(@"^TinyClassifier\s+1,234\s+5\.6 M\s+2\s+\d+\.\d\d%\s+\d+\.\d\d%\s+\d\.\d{4}\s+[\d,]+\s+0:12\s+\d+\.\d MiB → \d+\.\d MiB$", lines[12]);
    }

    [Fact]
    public void Ci_true_asks_for_plain_lines()
    {
        string? before = Environment.GetEnvironmentVariable("CI");
        try
        {
            Environment.SetEnvironmentVariable("CI", "true");
            Assert.True(TrainingText.PlainWanted(asked: false));
            Assert.True(TrainingText.PlainWanted(asked: true));
        }
        finally { Environment.SetEnvironmentVariable("CI", before); }
    }

    [Fact]
    public void Times_and_percentages_read_as_people_write_them()
    {
        Assert.Equal("1:05", TrainingText.Time(TimeSpan.FromSeconds(65)));
        Assert.Equal("1:01:05", TrainingText.Time(TimeSpan.FromSeconds(3665)));
        Assert.Equal("91.60%", TrainingText.Percent(0.916));
        Assert.Equal("-", TrainingText.Percent(double.NaN));
        Assert.Equal("1.5 MiB", TrainingText.MiB(1572864));
    }
}
