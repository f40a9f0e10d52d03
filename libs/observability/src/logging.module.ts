import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { APP_CONFIG } from '@callboard/config';

interface LoggingSettings {
  LOG_LEVEL: string;
  LOG_PRETTY: boolean;
  HTTP_REQUEST_LOGS: boolean;
}

/** Structured JSON logs (pino) for every service, with the service name on each line. */
@Module({})
export class LoggingModule {
  static forRoot(service: string): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (settings: LoggingSettings) => ({
            // Without request logs the middleware is bound to /health alone, whose lines are ignored below.
            ...(settings.HTTP_REQUEST_LOGS ? {} : { forRoutes: [{ path: 'health', method: RequestMethod.GET }] }),
            pinoHttp: {
              level: settings.LOG_LEVEL,
              base: { service },
              transport: settings.LOG_PRETTY ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
              // Health probes would drown everything else.
              autoLogging: { ignore: (req) => req.url?.startsWith('/health') ?? false },
              redact: ['req.headers.authorization', 'req.headers["x-hub-signature-256"]', 'req.headers["x-hub-signature"]'],
            },
          }),
        }),
      ],
    };
  }
}
