return Autopilot.Native.NativeApp.Run(args);
