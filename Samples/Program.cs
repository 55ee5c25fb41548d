using NetDsl.Samples;

return SampleRunner.Execute(args);
